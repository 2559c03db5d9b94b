import Foundation
import SSHTestSupport
import Testing

@testable import AudienceSFTP

#if canImport(Glibc)
    import Glibc
#endif

/// Large files split over several connections that share the file's stripes, all writing into one `.partial`.
@Suite(.timeLimit(.minutes(3)))
struct SplitDownloadTests {
    /// Connections sshd accepted (one "Accepted publickey" line each). sshd may write the line a little after the
    /// client moved on, so this waits up to 3 s for `expected` lines, then a little longer for any extra ones.
    private func acceptedConnections(_ fixture: SFTPFixture, expected: Int) -> Int {
        func count() -> Int {
            // Counted as substrings: sshd's -e lines may end in "\r\n", one Character in Swift.
            fixture.server.log().components(separatedBy: "Accepted publickey").count - 1
        }
        let deadline = Date().addingTimeInterval(3)
        while count() < expected && Date() < deadline {
            usleep(20_000)
        }
        usleep(300_000)
        return count()
    }

    @Test func automaticPolicySplitsOnlyLargeFiles() {
        let policy = ConnectionsPerFile.automatic
        #expect(policy.connectionCount(forSize: 0) == 1)
        #expect(policy.connectionCount(forSize: 5_000_000) == 1)
        #expect(policy.connectionCount(forSize: (32 << 20) - 1) == 1)
        #expect(policy.connectionCount(forSize: 32 << 20) == 2)
        #expect(policy.connectionCount(forSize: 141_000_000) == 4)
        #expect(policy.connectionCount(forSize: 173_000_000) == 4)
        #expect(ConnectionsPerFile.one.connectionCount(forSize: 173_000_000) == 1)
        #expect(ConnectionsPerFile.exactly(4).connectionCount(forSize: 3) == 3)
        #expect(ConnectionsPerFile.two.connectionCount(forSize: (64 << 20) - 1) == 1)
        #expect(ConnectionsPerFile.two.connectionCount(forSize: 64 << 20) == 2)
        #expect(ConnectionsPerFile.two.connectionCount(forSize: 1 << 30) == 2)
    }

    /// Extra connections only speed things up: when none of them can be opened, the first connection fetches
    /// every stripe and the file still arrives intact.
    @Test func extraConnectionsThatFailToOpenAreNotAFailure() throws {
        let fixture = try SFTPFixture()
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 9_000_001)
        let connection = try SFTPConnection(endpoint: fixture.endpoint(), retryPolicy: .fast)
        defer { connection.close() }

        let result = try connection.download(
            remote, into: fixture.staging.path, as: nil, options: DownloadOptions(),
            connectionsPerFile: .exactly(3),
            connect: { throw SFTPError.sessionFailed(host: "127.0.0.1", operation: "connect", message: "refused") })

        #expect(result.bytes == 9_000_001)
        #expect(result.connections == 1)
        #expect(result.sha256 == (try Shell.sha256(remote)))
        #expect(try Shell.sha256(result.localPath) == result.sha256)
        #expect(fixture.staging.contents() == ["users.csv"])
        #expect(acceptedConnections(fixture, expected: 1) == 1)
    }

    @Test func hundredMegabyteFileOverFourConnectionsArrivesIntact() throws {
        let fixture = try SFTPFixture()
        let size = 100 * 1024 * 1024
        let remote = try fixture.makeRemoteFile("users.csv", bytes: size)

        let results = ParallelDownloader.download(
            [DownloadRequest(remotePath: remote)], from: fixture.endpoint(), into: fixture.staging.path,
            connectionsPerFile: .exactly(4), retryPolicy: .fast)

        let result = try results[0].get()
        let expected = try Shell.sha256(remote)
        // Connections that log in after every stripe is claimed fetch nothing (timing), so not always 4.
        #expect((2...4).contains(result.connections))
        #expect(result.bytes == UInt64(size))
        #expect(result.remoteSize == UInt64(size))
        #expect(result.sha256 == expected)
        #expect(try Shell.sha256(result.localPath) == expected)
        #expect(fixture.staging.contents() == ["users.csv"])
        let mode = try FileManager.default.attributesOfItem(atPath: result.localPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(acceptedConnections(fixture, expected: 4) == 4)
    }

    /// Sizes one byte over a stripe boundary, stripes that are not chunk multiples, stripes smaller than a
    /// chunk, and chunks above OpenSSH's 261,120-byte reply limit (short replies inside every stripe).
    @Test(arguments: [
        (2_000_001, 64 * 1024, 16, 2),
        (4 * 1024 * 1024 + 1, 64 * 1024, 16, 4),
        (3_000_017, 64 * 1024, 8, 3),
        (5 * 1024 * 1024 + 3, 512 * 1024, 4, 4),
        (1_000_003, 1024 * 1024, 2, 4),
        (7, 64 * 1024, 16, 4),
        (2, 64 * 1024, 1, 4),
    ])
    func oddSizesInStripesArriveIntact(size: Int, chunk: Int, inFlight: Int, connections: Int) throws {
        let fixture = try SFTPFixture()
        let remote = try fixture.makeRemoteFile("odd.bin", bytes: size)

        let options = DownloadOptions(chunkSize: chunk, requestsInFlight: inFlight)
        let results = ParallelDownloader.download(
            [DownloadRequest(remotePath: remote)], from: fixture.endpoint(), into: fixture.staging.path,
            options: options, connectionsPerFile: .exactly(connections), retryPolicy: .fast)

        let result = try results[0].get()
        #expect(result.bytes == UInt64(size))
        #expect(result.sha256 == (try Shell.sha256(remote)))
        #expect(try Shell.sha256(result.localPath) == result.sha256)
        #expect(fixture.staging.contents() == ["odd.bin"])
        #expect(acceptedConnections(fixture, expected: min(connections, size)) == min(connections, size))
    }

    @Test func remoteFileTruncatedMidwayFailsAndLeavesNothing() throws {
        let fixture = try SFTPFixture()
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 100 * 1024 * 1024)

        // Truncate as soon as the .partial exists: the stripes are being fetched, the final re-stat is not done.
        let download = BackgroundDownload(fixture, remote)
        #expect(truncate(remote, 10 * 1024 * 1024) == 0)
        let results = download.wait()

        let error = #expect(throws: SFTPError.self) { try results[0].get() }
        switch error {
        case .sizeMismatch?, .remoteOperationFailed?: break
        default: Issue.record("unexpected error \(String(describing: error))")
        }
        #expect(fixture.staging.contents().isEmpty)
    }

    @Test func connectionsKilledMidwayFailAndLeaveNothing() throws {
        let fixture = try SFTPFixture()
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 100 * 1024 * 1024)

        // Slow the transfer down (small requests, few in flight) so the kill lands mid-way.
        let download = BackgroundDownload(fixture, remote, options: DownloadOptions(chunkSize: 4096, requestsInFlight: 1))
        usleep(200_000)
        fixture.server.killConnections()
        let results = download.wait()

        #expect(throws: SFTPError.self) { try results[0].get() }
        #expect(fixture.staging.contents().isEmpty)
    }

    @Test func sizeLimitIsEnforcedBeforeOtherConnectionsStart() throws {
        let fixture = try SFTPFixture()
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 3_000_000)

        let results = ParallelDownloader.download(
            [DownloadRequest(remotePath: remote)], from: fixture.endpoint(), into: fixture.staging.path,
            options: DownloadOptions(maxBytes: 2_000_000), connectionsPerFile: .exactly(4), retryPolicy: .fast)

        #expect(throws: SFTPError.fileTooLarge(host: "127.0.0.1", path: remote, size: 3_000_000, limit: 2_000_000)) {
            try results[0].get()
        }
        #expect(fixture.staging.contents().isEmpty)
        #expect(acceptedConnections(fixture, expected: 1) == 1)
    }

    @Test func smallFilesUseOneConnectionEach() throws {
        let fixture = try SFTPFixture()
        let users = try fixture.makeRemoteFile("users.csv", bytes: 3_000_000)
        let groups = try fixture.makeRemoteFile("user_groups.csv", bytes: 2_000_001)

        let results = ParallelDownloader.download(
            [DownloadRequest(remotePath: users), DownloadRequest(remotePath: groups)],
            from: fixture.endpoint(), into: fixture.staging.path, retryPolicy: .fast)

        #expect(try results[0].get().sha256 == (try Shell.sha256(users)))
        #expect(try results[1].get().sha256 == (try Shell.sha256(groups)))
        #expect(fixture.staging.contents() == ["user_groups.csv", "users.csv"])
        #expect(acceptedConnections(fixture, expected: 2) == 2)
    }

    @Test func automaticPolicySplitsAFortyMegabyteFileInTwo() throws {
        let fixture = try SFTPFixture()
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 40 * 1024 * 1024)

        let results = ParallelDownloader.download(
            [DownloadRequest(remotePath: remote)], from: fixture.endpoint(), into: fixture.staging.path,
            retryPolicy: .fast)

        #expect(try results[0].get().sha256 == (try Shell.sha256(remote)))
        #expect(acceptedConnections(fixture, expected: 2) == 2)
    }
}

/// A download over 4 connections running on its own thread, started and then waited for by a test that
/// does something to the server in between.
private final class BackgroundDownload: @unchecked Sendable {
    private var results: [Result<DownloadResult, SFTPError>]?
    private let done = DispatchSemaphore(value: 0)

    /// Starts the download and returns once its `.partial` exists (at most 30 s).
    init(_ fixture: SFTPFixture, _ remote: String, options: DownloadOptions = DownloadOptions()) {
        let endpoint = fixture.endpoint()
        let staging = fixture.staging.path
        let thread = Thread { [self] in
            results = ParallelDownloader.download(
                [DownloadRequest(remotePath: remote)], from: endpoint, into: staging, options: options,
                connectionsPerFile: .exactly(4), retryPolicy: .fast)
            done.signal()
        }
        thread.start()
        let partialPath = fixture.staging.file((remote as NSString).lastPathComponent + ".partial")
        let deadline = Date().addingTimeInterval(30)
        while access(partialPath, F_OK) != 0 && Date() < deadline {
            usleep(500)
        }
    }

    /// Waits for the download to end.
    func wait() -> [Result<DownloadResult, SFTPError>] {
        done.wait()
        return results ?? []
    }
}
