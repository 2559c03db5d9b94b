import AudienceSFTP
import Foundation
import SSHTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct HostKeyTests {
    @Test func unknownHostKeyIsRefusedWithItsFingerprint() throws {
        let fixture = try SFTPFixture(trustServer: false)
        try fixture.makeRemoteFile("users.csv", bytes: 100)

        let error = #expect(throws: SFTPError.self) { try fixture.connect() }

        #expect(
            error
                == .unknownHostKey(
                    host: "127.0.0.1", port: fixture.server.port, fingerprint: try fixture.server.fingerprint(),
                    knownHostsPath: fixture.knownHostsPath))
        #expect(error?.description.contains("SHA256:") == true)
        #expect(error?.exitCode == 78)
        #expect(fixture.staging.contents().isEmpty)
        #expect(try String(contentsOfFile: fixture.knownHostsPath, encoding: .utf8).isEmpty)
    }

    @Test func changedHostKeyIsRefused() throws {
        let fixture = try SFTPFixture(trustServer: false)
        let impostor = try TestKeys.generate("ed25519", in: fixture.client)
        let impostorKey = try String(contentsOfFile: impostor + ".pub", encoding: .utf8).split(separator: " ")
        try "[127.0.0.1]:\(fixture.server.port) \(impostorKey[0]) \(impostorKey[1])\n"
            .write(toFile: fixture.knownHostsPath, atomically: true, encoding: .utf8)

        for policy in HostKeyPolicy.allCases {
            let error = #expect(throws: SFTPError.self) { try fixture.connect(policy: policy) }
            #expect(
                error
                    == .hostKeyChanged(
                        host: "127.0.0.1", port: fixture.server.port, fingerprint: try fixture.server.fingerprint(),
                        knownHostsPath: fixture.knownHostsPath))
            #expect(error?.exitCode == 78)
        }
    }

    @Test func acceptNewRecordsTheKeyAndLaterStrictConnectionsSucceed() throws {
        let fixture = try SFTPFixture(trustServer: false)
        try FileManager.default.removeItem(atPath: fixture.knownHostsPath)

        try fixture.connect(policy: .acceptNew).close()

        let recorded = try String(contentsOfFile: fixture.knownHostsPath, encoding: .utf8)
        #expect(recorded.contains("[127.0.0.1]:\(fixture.server.port) ssh-ed25519 "))
        try fixture.connect(policy: .strict).close()
    }

    @Test func scannedHostKeyLineLetsAStrictConnectionSucceed() throws {
        let fixture = try SFTPFixture(trustServer: false)

        let scanned = try HostKeyScanner.hostKey(host: "127.0.0.1", port: fixture.server.port, timeout: .seconds(5))

        #expect(scanned.fingerprint == (try fixture.server.fingerprint()))
        #expect(scanned.knownHostsLine.hasPrefix("[127.0.0.1]:\(fixture.server.port) ssh-ed25519 "))
        try (scanned.knownHostsLine + "\n").write(toFile: fixture.knownHostsPath, atomically: true, encoding: .utf8)
        try fixture.connect().close()
    }

    @Test func scanningANonSSHPortTimesOut() throws {
        let silent = try SilentTCPServer()
        let started = ContinuousClock.now

        let error = #expect(throws: SFTPError.self) {
            try HostKeyScanner.hostKey(host: "127.0.0.1", port: silent.port, timeout: .seconds(1))
        }

        #expect(error == .timeout(host: "127.0.0.1", operation: "key exchange", seconds: 1))
        #expect(ContinuousClock.now - started < .seconds(4))
    }
}
