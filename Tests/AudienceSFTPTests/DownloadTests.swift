import AudienceSFTP
import Foundation
import SSHTestSupport
import Testing

@Suite(.timeLimit(.minutes(2)))
struct DownloadTests {
    @Test func smallFileArrivesWithMatchingHashAndSize() throws {
        let fixture = try SFTPFixture()
        let remote = fixture.server.remotePath("users.csv")
        try "id,email\n1,ann@example.com\n".write(toFile: remote, atomically: true, encoding: .utf8)
        let connection = try fixture.connect()
        defer { connection.close() }

        let result = try connection.download(remote, into: fixture.staging.path)

        #expect(result.localPath == fixture.staging.file("users.csv"))
        #expect(result.bytes == 27)
        #expect(result.remoteSize == 27)
        #expect(result.sha256 == (try Shell.sha256(remote)))
        #expect(try Shell.sha256(result.localPath) == result.sha256)
        #expect(fixture.staging.contents() == ["users.csv"])
        let mode = try FileManager.default.attributesOfItem(atPath: result.localPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func twentyMegabyteFileArrivesIntact() throws {
        let fixture = try SFTPFixture()
        let remote = try fixture.makeRemoteFile("big.bin", bytes: 20 * 1024 * 1024)
        let connection = try fixture.connect()
        defer { connection.close() }

        let result = try connection.download(remote, into: fixture.staging.path, as: "big.local")

        #expect(result.bytes == 20 * 1024 * 1024)
        #expect(result.sha256 == (try Shell.sha256(remote)))
        #expect(try Shell.sha256(fixture.staging.file("big.local")) == result.sha256)
        #expect(fixture.staging.contents() == ["big.local"])
    }

    /// Sizes that are not multiples of the chunk, and chunks above OpenSSH's 261,120-byte reply limit, which
    /// force short replies on every request.
    @Test(arguments: [
        (1_000_003, 64 * 1024, 16),
        (3 * 1024 * 1024 + 17, 256 * 1024, 8),
        (5 * 1024 * 1024 + 1, 512 * 1024, 4),
        (261_121, 1024 * 1024, 2),
        (0, 64 * 1024, 16),
        (1, 64 * 1024, 1),
    ])
    func oddSizesAndShortRepliesArriveIntact(size: Int, chunk: Int, inFlight: Int) throws {
        let fixture = try SFTPFixture()
        let remote = try fixture.makeRemoteFile("odd.bin", bytes: size)
        let connection = try fixture.connect()
        defer { connection.close() }

        let options = DownloadOptions(chunkSize: chunk, requestsInFlight: inFlight)
        let result = try connection.download(remote, into: fixture.staging.path, options: options)

        #expect(result.bytes == UInt64(size))
        #expect(result.sha256 == (try Shell.sha256(remote)))
        #expect(try Shell.sha256(result.localPath) == result.sha256)
    }

    @Test func severalDownloadsReuseOneConnection() throws {
        let fixture = try SFTPFixture()
        let first = try fixture.makeRemoteFile("a.csv", bytes: 300_000)
        let second = try fixture.makeRemoteFile("b.csv", bytes: 70_000)
        let connection = try fixture.connect()
        defer { connection.close() }

        let a = try connection.download(first, into: fixture.staging.path)
        let b = try connection.download(second, into: fixture.staging.path)

        #expect(a.sha256 == (try Shell.sha256(first)))
        #expect(b.sha256 == (try Shell.sha256(second)))
    }

    @Test func fileAboveTheLimitIsRefusedAndLeavesNothing() throws {
        let fixture = try SFTPFixture()
        let remote = try fixture.makeRemoteFile("huge.csv", bytes: 200_000)
        let connection = try fixture.connect()
        defer { connection.close() }

        let error = #expect(throws: SFTPError.self) {
            try connection.download(remote, into: fixture.staging.path, options: DownloadOptions(maxBytes: 100_000))
        }
        #expect(error == .fileTooLarge(host: "127.0.0.1", path: remote, size: 200_000, limit: 100_000))
        #expect(error?.exitCode == 65)
        #expect(fixture.staging.contents().isEmpty)
        // The connection stays usable after a refused download.
        #expect(try connection.stat(remote)?.size == 200_000)
    }

    @Test func missingRemoteFileIsReportedAndLeavesNothing() throws {
        let fixture = try SFTPFixture()
        let connection = try fixture.connect()
        defer { connection.close() }
        let remote = fixture.server.remotePath("absent.csv")

        let error = #expect(throws: SFTPError.self) {
            try connection.download(remote, into: fixture.staging.path)
        }
        #expect(error == .remoteFileMissing(host: "127.0.0.1", path: remote))
        #expect(error?.exitCode == 66)
        #expect(fixture.staging.contents().isEmpty)
    }

    @Test func stalePartialFileIsReplaced() throws {
        let fixture = try SFTPFixture()
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 1000)
        try "garbage from a crashed run, longer than the real file would ever be........"
            .write(toFile: fixture.staging.file("users.csv.partial"), atomically: true, encoding: .utf8)
        let connection = try fixture.connect()
        defer { connection.close() }

        let result = try connection.download(remote, into: fixture.staging.path)

        #expect(try Shell.sha256(result.localPath) == (try Shell.sha256(remote)))
        #expect(fixture.staging.contents() == ["users.csv"])
    }

    /// The readiness check's connection fetches the first file: sshd accepts one login for the open connection
    /// and one for the second file, not three; the open connection stays usable afterwards.
    @Test func parallelDownloadReusesAnOpenConnectionForTheFirstFile() throws {
        let fixture = try SFTPFixture()
        let users = try fixture.makeRemoteFile("users.csv", bytes: 3_000_000)
        let groups = try fixture.makeRemoteFile("user_groups.csv", bytes: 2_000_001)
        let connection = try fixture.connect()
        defer { connection.close() }

        let results = ParallelDownloader.download(
            [DownloadRequest(remotePath: users), DownloadRequest(remotePath: groups)],
            from: fixture.endpoint(), into: fixture.staging.path, connectionsPerFile: .one, over: connection,
            retryPolicy: .fast)

        #expect(try results[0].get().sha256 == (try Shell.sha256(users)))
        #expect(try results[1].get().sha256 == (try Shell.sha256(groups)))
        #expect(try connection.stat(users)?.size == 3_000_000)
        // sshd may log the second login a little after the download returned.
        let deadline = Date().addingTimeInterval(3)
        var logins = 0
        repeat {
            logins = fixture.server.log().components(separatedBy: "Accepted publickey").count - 1
            if logins >= 2 { usleep(300_000) }
        } while logins < 2 && Date() < deadline
        logins = fixture.server.log().components(separatedBy: "Accepted publickey").count - 1
        #expect(logins == 2)
    }

    @Test func parallelDownloadReportsEachFailureSeparately() throws {
        let fixture = try SFTPFixture()
        let users = try fixture.makeRemoteFile("users.csv", bytes: 10_000)

        let results = ParallelDownloader.download(
            [DownloadRequest(remotePath: users), DownloadRequest(remotePath: fixture.server.remotePath("nope.csv"))],
            from: fixture.endpoint(), into: fixture.staging.path, retryPolicy: .fast)

        #expect(try results[0].get().bytes == 10_000)
        #expect(throws: SFTPError.remoteFileMissing(host: "127.0.0.1", path: fixture.server.remotePath("nope.csv"))) {
            try results[1].get()
        }
        #expect(fixture.staging.contents() == ["users.csv"])
    }
}
