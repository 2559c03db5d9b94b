import Foundation
import Testing

/// A dry run only reads, so it must not queue for SQLite's write lock: a long apply (another run, or
/// an operator's sqlite3 session) must not make `--dry-run` wait for the busy timeout and fail.
@Suite("dry run and the SQLite write lock", .timeLimit(.minutes(2)))
struct DryRunWriteLockTests {
    static func users(_ ids: ClosedRange<Int>, renamed: Int? = nil) -> String {
        "user_id,email,first_name,last_name\n"
            + ids.map { "u\($0),u\($0)@x.com,\($0 == renamed ? "Renamed" : "F"),L" }.joined(separator: "\n") + "\n"
    }

    @Test func importDryRunNeitherWaitsForNorTakesTheWriteLock() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        let applied = try CLI.run(
            ["import", "--db", db, "--directory", "acme", "--users", try dir.write("all.csv", Self.users(1...40))],
            limit: .seconds(30))
        try #require(applied.status == 0, "\(applied)")
        let before = try DatabaseProbe.inspect(db)
        let next = try dir.write("next.csv", Self.users(1...38, renamed: 5))

        // The uncommitted change in it must not show in the dry run's plan either.
        let writer = try DatabaseProbe.writeLock(db)
        let started = ContinuousClock.now
        // The store's busy timeout is 10 s: a dry run that asks for the write lock fails with 75 after it
        // (so 8 s tells the two apart even on a loaded machine, where this dry run takes well under 1 s).
        let dryRun = try CLI.run(
            ["import", "--db", db, "--directory", "acme", "--users", next, "--dry-run"], limit: .seconds(30))
        let elapsed = ContinuousClock.now - started
        try writer.close()

        #expect(dryRun.status == 0, "\(dryRun)")
        #expect(
            dryRun.stdout.hasPrefix("acme: dry run (nothing written): 0 added, 1 updated, 2 removed, 37 unchanged"),
            "\(dryRun)")
        #expect(elapsed < .seconds(8), "the dry run took \(elapsed)")
        let after = try DatabaseProbe.inspect(db)
        #expect(after.state == before.state)
        #expect(after.members == 40)
        let history = try CLI.run(["history", "--db", db, "--format", "json"], limit: .seconds(30))
        #expect(history.stdout.split(separator: "\n").count == 1, "\(history)")
    }

    /// The same through real sshd: `sync --dry-run` fetches and plans while another process holds the write
    /// lock, and a real `sync` beside the same writer waits out the busy timeout and exits 75 (try again later)
    /// without recording anything.
    @Test func syncDryRunRunsBesideAWriterWhileARealSyncWaitsAndExits75() throws {
        let fixture = try SyncFixture(uploadFixtures: false)
        try fixture.writeConfig()
        try Self.users(1...40).write(toFile: fixture.remotePath("users.csv"), atomically: true, encoding: .utf8)
        try #require(try fixture.sync().status == 0)
        let before = try DatabaseProbe.inspect(fixture.database)
        try Self.users(1...38, renamed: 5)
            .write(toFile: fixture.remotePath("users.csv"), atomically: true, encoding: .utf8)

        let writer = try DatabaseProbe.writeLock(fixture.database)
        var started = ContinuousClock.now
        let dryRun = try fixture.sync(["--dry-run"])
        let dryRunTook = ContinuousClock.now - started
        started = ContinuousClock.now
        let real = try fixture.sync()
        let realTook = ContinuousClock.now - started
        try writer.close()

        #expect(dryRun.status == 0, "\(dryRun)")
        #expect(
            dryRun.stdout.hasPrefix("acme: dry run (nothing written): 0 added, 1 updated, 2 removed, 37 unchanged"),
            "\(dryRun)")
        // As above: 8 s tells "did not wait" from "waited for the 10 s busy timeout".
        #expect(dryRunTook < .seconds(8), "the dry run took \(dryRunTook)")
        #expect(real.status == 75, "\(real)")
        #expect(real.stderr.contains("the database is locked by another process"), "\(real)")
        #expect(realTook >= .seconds(9), "the real sync gave up after \(realTook)")
        let after = try DatabaseProbe.inspect(fixture.database)
        #expect(after.state == before.state)
        #expect(try fixture.outcomes() == ["applied"])
        // The remote file stays for the next run, which applies it.
        let next = try fixture.sync()
        #expect(next.status == 0, "\(next)")
        #expect(try fixture.memberCount() == 38)
    }
}
