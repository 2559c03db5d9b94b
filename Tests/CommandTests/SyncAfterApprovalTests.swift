import Foundation
import SSHTestSupport
import Testing

/// `approve` re-applies a held run's kept files without an SFTP connection, so the server's files stay in the
/// drop folder. The next `sync` must find them identical to the approved run, record `unchanged`, and then
/// move them to `archive_dir` like after any apply.
@Suite("sync after approving a sync-held run", .timeLimit(.minutes(2)))
struct SyncAfterApprovalTests {
    /// Writes `users` as the remote users.csv, dated a minute back so that a `min_age` of 2 s is met at once.
    static func upload(_ users: String, to fixture: SyncFixture) throws {
        let path = fixture.remotePath("users.csv")
        try users.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: path)
    }

    /// - Parameter minAge: "0s" (the files are always downloaded and compared by SHA-256) or "2s" (size and mtime
    ///   may skip the download: see `DirectoryRunner.statSkipIsSafe`).
    @Test(arguments: ["0s", "2s"])
    func nextSyncRecordsUnchangedAndArchivesTheApprovedFiles(minAge: String) throws {
        let fixture = try SyncFixture(uploadFixtures: false)
        let archive = fixture.remotePath("archive")
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        var config = fixture.config()
        config.archiveDir = archive
        config.minAge = minAge
        try fixture.writeConfig(config)
        try Self.upload(SyncOutcomeTests.users(1...40), to: fixture)
        try #require(try fixture.sync().status == 0)
        try #require(fixture.remoteContents() == ["archive"])
        try Self.upload(SyncOutcomeTests.users(1...20), to: fixture)
        let held = try fixture.sync()
        try #require(held.status == 65, "\(held)")
        // A held run leaves the server's file where it is.
        try #require(fixture.remoteContents() == ["archive", "users.csv"])
        let line = try #require(try fixture.history().first)
        let run = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let id = try #require(run["id"] as? Int)

        let approved = try CLI.run(["approve", "\(id)", "--db", fixture.database], limit: .seconds(30))
        #expect(approved.status == 0, "\(approved)")
        // approve has no SFTP connection: the remote file is still there.
        #expect(fixture.remoteContents() == ["archive", "users.csv"])

        let next = try fixture.sync()
        #expect(next.status == 0, "\(next)")
        #expect(next.stdout.contains("acme: unchanged"), "\(next)")
        #expect(try fixture.outcomes() == ["applied", "held", "applied", "unchanged"])
        #expect(try fixture.memberCount() == 20)
        // Also when size and mtime skip the download (min_age >= 2 s here; likewise done_file or settle >= 1 s):
        // the approved files are archived, not left in the drop folder to be found unchanged run after run.
        #expect(fixture.remoteContents() == ["archive"], "drop folder: \(fixture.remoteContents())")
        let archived = fixture.remoteContents(archive)
        #expect(archived.count == 2 && archived.allSatisfy { $0.hasSuffix("-users.csv") }, "archive: \(archived)")
    }
}
