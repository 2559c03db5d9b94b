import Foundation
import SSHTestSupport
import Testing

/// `audience-sync hostkey`: prints a server's fingerprint and a known_hosts line an operator can append.
@Suite("hostkey", .timeLimit(.minutes(1)))
struct HostKeyCommandTests {
    @Test func printedLineAppendedToKnownHostsLetsAStrictSyncSucceed() throws {
        let fixture = try SyncFixture(trustServer: false)
        let port = fixture.server.port

        let scanned = try CLI.run(["hostkey", "--host", "127.0.0.1", "--port", "\(port)"], limit: .seconds(30))

        #expect(scanned.status == 0, "\(scanned)")
        let lines = scanned.stdout.split(separator: "\n").map(String.init)
        let comment = lines.first { $0.hasPrefix("#") }
        #expect(comment?.hasPrefix("# 127.0.0.1:\(port) SHA256:") == true, "\(scanned)")
        #expect(comment?.contains(try fixture.server.fingerprint()) == true, "\(scanned)")
        let entries = lines.filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(entries == [try fixture.server.knownHostsLine()], "\(scanned)")

        let handle = try #require(FileHandle(forWritingAtPath: fixture.knownHostsPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(scanned.stdout.utf8))
        try handle.close()
        try fixture.writeConfig()
        let synced = try fixture.sync()

        #expect(synced.status == 0, "\(synced)")
        #expect(synced.stdout.hasPrefix("acme: applied: 35 added"), "\(synced)")
    }

    @Test func nothingListeningExits69() throws {
        let port = try closedPort()

        let result = try CLI.run(["hostkey", "--host", "127.0.0.1", "--port", "\(port)"], limit: .seconds(30))

        #expect(result.status == 69, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }
}
