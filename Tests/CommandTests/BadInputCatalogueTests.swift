import Foundation
import Testing

/// The bad-input catalogue (README, "Bad input catalogue"): each malformed or hostile input is
/// imported for real into a database that already holds three members, and must end with the
/// documented exit status and message, and with the database unchanged whenever it is refused.
///
/// Serialized: each case blocks a thread on child processes, and 50 of them at once would starve
/// the time-limited network suites running beside this one.
@Suite("bad input catalogue", .serialized, .timeLimit(.minutes(5)))
struct BadInputCatalogueTests {
    @Test func catalogueHasAtLeastFortyDistinctCases() {
        #expect(BadInput.catalogue.count >= 40)
        #expect(Set(BadInput.catalogue.map(\.id)).count == BadInput.catalogue.count)
    }

    @Test(arguments: BadInput.catalogue)
    func importEndsAsDocumented(_ input: BadInput) throws {
        let dir = try TempDir()
        let db = dir.path("audience.db")
        let baseUsers = try dir.write("base-users.csv", BadInput.header + BadInput.baseRows)
        let baseGroups = try dir.write("base-groups.csv", BadInput.baseGroups)
        let base = try CLI.run(
            ["import", "--db", db, "--directory", "acme", "--users", baseUsers, "--groups", baseGroups],
            limit: .seconds(30))
        try #require(base.status == 0, "\(base)")
        let before = try export(db)
        try #require(before.contains("u3@x.com,C,C,Eng"), "\(before)")

        // Each file under the name the product will quote.
        let caseDir = dir.path("case")
        try FileManager.default.createDirectory(atPath: caseDir, withIntermediateDirectories: true)
        var arguments = ["import", "--db", db, "--directory", "acme", "--users", caseDir + "/users.csv"]
        try input.users().write(to: URL(fileURLWithPath: caseDir + "/users.csv"))
        if let groups = input.groups {
            try groups().write(to: URL(fileURLWithPath: caseDir + "/user_groups.csv"))
            arguments += ["--groups", caseDir + "/user_groups.csv"]
        }
        if let catalog = input.catalog {
            try catalog().write(to: URL(fileURLWithPath: caseDir + "/groups.csv"))
            arguments += ["--groups-catalog", caseDir + "/groups.csv"]
        }

        let started = ContinuousClock.now
        let result = try CLI.run(arguments, limit: .seconds(60))
        let elapsed = ContinuousClock.now - started

        let output = result.stdout + result.stderr
        #expect(result.status == input.status, "\(input.id): \(result)")
        #expect(output.contains(input.message), "\(input.id): \(result)")
        // Messages stay readable whatever the input: no megabytes of header names or field text.
        #expect(output.utf8.count < 4096, "\(input.id): \(output.utf8.count) bytes of output")
        if input.slow { #expect(elapsed < .seconds(20), "\(input.id) took \(elapsed)") }

        let after = try export(db)
        if result.status != 0 {
            #expect(after == before, "\(input.id): a refused file changed the database")
        }
        switch input.export {
        case .unchanged: #expect(after == before, "\(input.id): export changed:\n\(after)")
        case .contains(let text): #expect(after.contains(text), "\(input.id): export lacks \(text):\n\(after)")
        case .lacks(let text): #expect(!after.contains(text), "\(input.id): export has \(text):\n\(after)")
        }
    }

    private func export(_ db: String) throws -> String {
        let result = try CLI.run(["export", "--db", db], limit: .seconds(30))
        try #require(result.status == 0, "\(result)")
        return result.stdout
    }
}
