import Foundation
import SSHTestSupport
import Testing

/// A `sync` held by the removal guard keeps its downloaded files for `approve`, and lets them go when
/// the plan is approved, discarded or superseded.
@Suite("sync held runs", .timeLimit(.minutes(1)))
struct SyncHeldRunTests {
    /// A fixture whose second sync is held; returns it with the held run's id and its files' folder.
    static func heldSync() throws -> (SyncFixture, String, String) {
        let fixture = try SyncFixture(uploadFixtures: false)
        try fixture.writeConfig()
        try SyncOutcomeTests.users(1...40).write(toFile: fixture.remotePath("users.csv"), atomically: true, encoding: .utf8)
        try #require(try fixture.sync().status == 0)
        try SyncOutcomeTests.users(1...20).write(toFile: fixture.remotePath("users.csv"), atomically: true, encoding: .utf8)
        let held = try fixture.sync()
        try #require(held.status == 65, "\(held)")
        let line = try #require(try fixture.history().first)
        let run = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let id = try #require(run["id"] as? Int)
        #expect(held.stdout.contains("approve \(id)"), "\(held.stdout)")
        return (fixture, "\(id)", (fixture.stagingDir as NSString).appendingPathComponent("acme/held/\(id)"))
    }

    @Test func approvingASyncHeldRunAppliesItsKeptFiles() throws {
        let (fixture, id, folder) = try Self.heldSync()
        #expect(FileManager.default.fileExists(atPath: folder + "/users.csv"))
        let mode = try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        // Even if the server's file changes meanwhile, approve applies what was reviewed.
        try SyncOutcomeTests.users(1...39).write(toFile: fixture.remotePath("users.csv"), atomically: true, encoding: .utf8)

        let approved = try CLI.run(["approve", id, "--db", fixture.database], limit: .seconds(30))
        #expect(approved.status == 0, "\(approved)")
        #expect(try fixture.memberCount() == 20)
        #expect(try fixture.outcomes() == ["applied", "held", "applied"])

        // The next sync applies the server's current file and clears the approved run's folder.
        let next = try fixture.sync()
        #expect(next.status == 0, "\(next)")
        #expect(try fixture.memberCount() == 39)
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test func discardingASyncHeldRunDeletesItsKeptFiles() throws {
        let (fixture, id, folder) = try Self.heldSync()
        let before = try fixture.export()
        let discarded = try CLI.run(["discard", id, "--db", fixture.database], limit: .seconds(30))
        #expect(discarded.status == 0, "\(discarded)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/users.csv"))
        #expect(try fixture.export() == before)
        let approve = try CLI.run(["approve", id, "--db", fixture.database], limit: .seconds(30))
        #expect(approve.status == 65)
    }
}
