import Foundation
import SSHTestSupport
import Testing

/// A download that cannot be written locally (full disk, quota, file size limit) ends the run with exit 74,
/// a message naming the local file and the OS error, no `.partial` left in staging and the audience untouched.
///
/// RLIMIT_FSIZE stands in for a full disk without mounts. On ext4, xfs and tmpfs `fallocate` with
/// FALLOC_FL_KEEP_SIZE does not check RLIMIT_FSIZE (only calls that grow i_size do), so the reservation
/// succeeds and the first `pwrite` past the limit fails with EFBIG; the reservation's own failure branch is
/// tested in AudienceSFTPTests (`PartialFileTests`).
@Suite("sync when the local file cannot be written", .timeLimit(.minutes(2)))
struct SyncLocalWriteFailureTests {
    /// `ulimit -f` blocks of 512 bytes: 1 MiB. The limited run writes a fresh database (schema, one history row:
    /// database and WAL well under 300 KiB), the lock file and a few lines of output, all below it; only the
    /// download, 2.2 MB, crosses it.
    static let limitBlocks = 2048

    /// 12,000 valid rows of about 187 bytes (long first names make the file large with few rows, so the
    /// unlimited run that follows applies quickly).
    static func largeUsers() -> String {
        let name = String(repeating: "A", count: 160)
        return "user_id,email,first_name,last_name\n"
            + (1...12_000).map { "u\($0),u\($0)@example.com,\(name),L" }.joined(separator: "\n") + "\n"
    }

    @Test func fileSizeLimitFailsTheDownloadWithExit74AndLeavesNothingBehind() throws {
        let fixture = try SyncFixture(uploadFixtures: false)
        try fixture.writeConfig()
        let users = Self.largeUsers()
        try #require(users.utf8.count > Self.limitBlocks * 512 * 2)
        try users.write(toFile: fixture.remotePath("users.csv"), atomically: true, encoding: .utf8)

        let limited = try CLIProcess(["sync", "--config", fixture.configPath], fileSizeLimit: Self.limitBlocks)
            .wait(limit: .seconds(45))

        #expect(limited.status == 74, "\(limited)")
        let partial = (fixture.stagingDir as NSString).appendingPathComponent("acme/users.csv.partial")
        #expect(limited.stderr.contains(partial), "\(limited)")
        #expect(limited.stderr.contains(String(cString: strerror(EFBIG))), "\(limited)")
        #expect(fixture.stagedFiles().filter { $0.hasSuffix(".partial") } == [], "\(fixture.stagedFiles())")
        #expect(try fixture.memberCount() == 0)
        #expect(try fixture.outcomes() == ["failed"])
        // The remote file is left for the next run.
        #expect(fixture.remoteContents() == ["users.csv"])

        let unlimited = try fixture.sync()
        #expect(unlimited.status == 0, "\(unlimited)")
        #expect(try fixture.memberCount() == 12_000)
        #expect(try fixture.outcomes() == ["failed", "applied"])
    }
}
