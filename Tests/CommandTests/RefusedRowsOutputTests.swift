import Foundation
import SSHTestSupport
import Testing

/// A run refused for too many rejected rows prints its first five rejections (file:line: reason, with the
/// hint the reason carries), like `validate`, instead of only "N of N rows rejected".
@Suite("text output of a refusal for too many rejected rows", .timeLimit(.minutes(1)))
struct RefusedRowsOutputTests {
    static let hint = "row has 4 fields but the header has 5; the header line ends with a comma: remove the trailing comma"

    /// Twelve rows (the refusal needs at least 10 rejected), every one rejected because the header ends with a comma.
    static let users = "user_id,email,first_name,last_name,\n"
        + (1...12).map { "u\($0),u\($0)@example.com,F,L\n" }.joined()

    /// The five `users.csv:LINE: reason` lines for lines 2-6, the "7 more" line, and nothing about lines 7-13;
    /// with `runID`, where to see them all.
    static func expectFirstFive(_ output: String, runID: Int?) {
        let lines = output.split(separator: "\n").map(String.init)
        let shown = lines.filter { $0.contains("users.csv:") && $0.hasSuffix(hint) }
        #expect(shown.count == 5, "\(output)")
        for (index, line) in shown.enumerated() { #expect(line.hasSuffix("users.csv:\(index + 2): \(hint)"), "\(line)") }
        #expect(lines.contains("... and 7 more rejected rows"), "\(output)")
        if let runID { #expect(output.contains("audience-sync history show \(runID) --db "), "\(output)") }
    }

    static func lastRunID(_ database: String) throws -> Int {
        let history = try CLI.run(["history", "--db", database, "--format", "json"], limit: .seconds(20))
        let line = try #require(history.stdout.split(separator: "\n").first)
        let run = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try #require(run["id"] as? Int)
    }

    @Test func importPrintsTheFirstRejectedRowsWithTheHint() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        let result = try CLI.run(
            ["import", "--db", db, "--directory", "acme", "--users", try dir.write("users.csv", Self.users)],
            limit: .seconds(30))
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("12 of 12 rows rejected"), "\(result)")
        Self.expectFirstFive(result.stdout, runID: try Self.lastRunID(db))
    }

    /// A dry run records no run, so the rows come from checking the files again.
    @Test func importDryRunPrintsTheFirstRejectedRowsWithTheHint() throws {
        let dir = try TempDir()
        let result = try CLI.run(
            ["import", "--db", dir.path("a.db"), "--directory", "acme", "--users", try dir.write("users.csv", Self.users),
             "--dry-run"],
            limit: .seconds(30))
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("12 of 12 rows rejected"), "\(result)")
        Self.expectFirstFive(result.stdout, runID: nil)
    }

    @Test func syncPrintsTheFirstRejectedRowsWithTheHint() throws {
        let fixture = try SyncFixture(uploadFixtures: false)
        try fixture.writeConfig()
        try Self.users.write(toFile: fixture.remotePath("users.csv"), atomically: true, encoding: .utf8)
        let result = try fixture.sync()
        #expect(result.status == 65, "\(result)")
        #expect(result.stdout.contains("12 of 12 rows rejected"), "\(result)")
        Self.expectFirstFive(result.stdout, runID: try Self.lastRunID(fixture.database))
    }
}
