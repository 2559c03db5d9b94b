import Foundation
import SSHTestSupport
import Testing

@testable import AudienceSFTP

/// The read pipeline against an SFTP server that answers reads in ways OpenSSH never does: sshd with
/// `Support/fake_sftp_server.py` as its sftp subsystem.
@Suite(.timeLimit(.minutes(2)))
struct SFTPReadPipeTests {
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Support/fake_sftp_server.py").path

    private func fixture(_ mode: String) throws -> SFTPFixture {
        try SFTPFixture(sftpSubsystem: "/usr/bin/python3 \(Self.script) \(mode)")
    }

    /// The protocol lets a server answer requests in any order and with fewer bytes than asked for: the
    /// file still arrives intact, over one connection and split over three.
    @Test(arguments: [1, 3])
    func repliesInAnyOrderAndShortRepliesGiveTheWholeFile(connections: Int) throws {
        let fixture = try fixture("reverse")
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 1_000_003)
        let endpoint = fixture.endpoint()
        let connection = try SFTPConnection(endpoint: endpoint, retryPolicy: .fast)
        defer { connection.close() }

        let result = try connection.download(
            remote, into: fixture.staging.path, as: nil, options: DownloadOptions(),
            connectionsPerFile: .exactly(connections),
            connect: { try SFTPConnection(endpoint: endpoint, retryPolicy: .fast) })

        #expect(result.bytes == 1_000_003)
        #expect(result.sha256 == (try Shell.sha256(remote)))
        #expect(try Shell.sha256(result.localPath) == result.sha256)
        #expect(fixture.staging.contents() == ["users.csv"])
    }

    /// A reply that breaks the protocol, or a read the server refuses, ends the download with an error that
    /// names the file, the host and what the server did; nothing is left in staging.
    @Test(arguments: [
        ("oversize", "the server sent a data reply of 131073 bytes"),
        ("unknown-id", "which was not sent"),
        ("wrong-type", "the server sent a reply of type 102 to a read request"),
        ("failure", "disk on fire (SFTP status 4)"),
    ])
    func aMisbehavingServerFailsTheDownloadClearly(mode: String, fragment: String) throws {
        let fixture = try fixture(mode)
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 300_000)
        let connection = try fixture.connect()
        defer { connection.close() }

        let error = #expect(throws: SFTPError.self) {
            try connection.download(remote, into: fixture.staging.path)
        }
        guard case .remoteOperationFailed(let host, let path, let operation, _)? = error else {
            Issue.record("unexpected error \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1")
        #expect(path == remote)
        #expect(operation == "read")
        #expect(error?.description.contains(fragment) == true, "\(String(describing: error))")
        #expect(error?.exitCode == 74)
        #expect(fixture.staging.contents().isEmpty)
    }

    /// A server that accepts the reads and never answers: the watchdog ends the download as a timeout.
    @Test func aServerThatNeverAnswersReadsTimesOut() throws {
        let fixture = try fixture("stall")
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 300_000)
        let connection = try fixture.connect(operationTimeout: .seconds(1))
        defer { connection.close() }

        let started = ContinuousClock.now
        let error = #expect(throws: SFTPError.self) {
            try connection.download(remote, into: fixture.staging.path)
        }
        guard case .timeout? = error else {
            Issue.record("unexpected error \(String(describing: error))")
            return
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(fixture.staging.contents().isEmpty)
    }

    @Test func statusMessagesCarryTheServersTextAndCode() {
        let withText: [UInt8] = [0, 0, 0, 4] + Array("gone".utf8) + [0, 0, 0, 0]
        let empty: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0]
        let truncated: [UInt8] = [0, 0, 0, 9, 65]
        #expect(withText.withUnsafeBytes { SFTPReadPipe.statusMessage($0, code: 2) } == "gone (SFTP status 2)")
        #expect(empty.withUnsafeBytes { SFTPReadPipe.statusMessage($0, code: 4) } == "SFTP status 4")
        #expect(truncated.withUnsafeBytes { SFTPReadPipe.statusMessage($0, code: 4) } == "SFTP status 4")
    }
}
