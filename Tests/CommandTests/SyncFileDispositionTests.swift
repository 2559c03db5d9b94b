import Foundation
import SSHTestSupport
import Testing

/// What `sync` does with the server's files: archive after apply, move refused files to error_dir, and the
/// exit code when users.csv is missing.
@Suite("sync remote file disposition", .timeLimit(.minutes(1)))
struct SyncFileDispositionTests {
    @Test func appliedFilesAreMovedIntoTheArchiveDirectory() throws {
        let fixture = try SyncFixture()
        let archive = fixture.remotePath("archive")
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        var config = fixture.config()
        config.archiveDir = archive
        try fixture.writeConfig(config)

        let result = try fixture.sync()

        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("acme: applied: 35 added"), "\(result)")
        #expect(try fixture.export() == SyncFixture.expectedExport())
        #expect(fixture.remoteContents() == ["archive"], "drop folder: \(fixture.remoteContents())")
        // Archived as `<UTC timestamp>-<name>`, so successive exports never overwrite each other.
        let archived = fixture.remoteContents(archive)
        #expect(archived.map(Self.originalName) == SyncFixture.exportFiles.sorted(), "archive: \(archived)")

        // With archiving on, an empty drop folder is the normal state between exports.
        let next = try fixture.sync()

        #expect(next.status == 0, "\(next)")
        #expect(next.stdout.hasPrefix("acme: no files"), "\(next)")
        #expect(try fixture.export() == SyncFixture.expectedExport())
    }

    @Test func fileSetThatFailsValidationIsMovedIntoTheErrorDirectory() throws {
        let fixture = try SyncFixture()
        try FileManager.default.removeItem(atPath: fixture.remotePath("users.csv"))
        try FileManager.default.copyItem(
            atPath: CLI.fixture("bad/missing-email-column.csv"), toPath: fixture.remotePath("users.csv"))
        let rejected = fixture.remotePath("rejected")
        try FileManager.default.createDirectory(atPath: rejected, withIntermediateDirectories: true)
        var config = fixture.config()
        config.errorDir = rejected
        try fixture.writeConfig(config)

        let result = try fixture.sync()

        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("audience-sync: acme: "), "\(result)")
        #expect(result.stderr.contains("required column 'email' is missing"), "\(result)")
        #expect(try fixture.memberCount() == 0)
        #expect(fixture.remoteContents() == ["rejected"], "drop folder: \(fixture.remoteContents())")
        let moved = fixture.remoteContents(rejected)
        #expect(moved.map(Self.originalName) == SyncFixture.exportFiles.sorted(), "error_dir: \(moved)")
        #expect(fixture.stagedFiles().filter { $0.hasSuffix(".partial") }.isEmpty)
    }

    @Test func missingUsersFileWithoutArchivingExits66() throws {
        let fixture = try SyncFixture()
        try FileManager.default.removeItem(atPath: fixture.remotePath("users.csv"))
        try fixture.writeConfig()

        let result = try fixture.sync()

        #expect(result.status == 66, "\(result)")
        #expect(result.stderr.contains("users.csv"), "\(result)")
        #expect(try fixture.memberCount() == 0)
    }

    /// `users.csv` from `20261129T040148.123Z-users.csv`; anything else unchanged (and so fails the comparison).
    static func originalName(_ archived: String) -> String {
        let pattern = /^\d{8}T\d{6}\.\d{3}Z-(.+)$/
        return (try? pattern.wholeMatch(in: archived)).flatMap { $0.map { String($0.1) } } ?? archived
    }
}
