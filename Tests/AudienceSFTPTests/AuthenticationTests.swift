import AudienceSFTP
import Foundation
import SSHTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct AuthenticationTests {
    @Test(arguments: ["ed25519", "ecdsa", "rsa"])
    func clientKeyTypeAuthenticatesAndDownloads(keyType: String) throws {
        let fixture = try SFTPFixture(keyType: keyType)
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 100_000)
        let connection = try fixture.connect()
        defer { connection.close() }

        let result = try connection.download(remote, into: fixture.staging.path)

        #expect(result.sha256 == (try Shell.sha256(remote)))
    }

    @Test func passphraseProtectedKeyUsesThePassphraseFile() throws {
        let fixture = try SFTPFixture(keyType: "ed25519", passphrase: "correct horse battery staple")
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 1000)
        let connection = try fixture.connect()
        defer { connection.close() }

        #expect(try connection.stat(remote)?.size == 1000)
    }

    @Test func wrongPassphraseIsRefusedWithoutNamingThePassphrase() throws {
        let fixture = try SFTPFixture(keyType: "ecdsa", passphrase: "right")
        try "Tr0ub4dor-guess\n".write(toFile: fixture.passphraseFile!, atomically: true, encoding: .utf8)

        let error = #expect(throws: SFTPError.self) { try fixture.connect() }

        guard case .privateKeyUnusable(let path, _) = error else {
            Issue.record("expected privateKeyUnusable, got \(String(describing: error))")
            return
        }
        #expect(path == fixture.keyPath)
        #expect(error?.exitCode == 77)
        #expect(!(error?.description.contains("Tr0ub4dor") ?? true))
    }

    @Test func keyTheServerDoesNotKnowFailsAuthentication() throws {
        let fixture = try SFTPFixture()
        let stranger = try TestKeys.generate("ed25519", in: fixture.client)

        let error = #expect(throws: SFTPError.self) {
            try SFTPConnection(endpoint: fixture.endpoint(keyPath: stranger), retryPolicy: .fast)
        }

        guard case .authenticationFailed(let user, let host, _) = error else {
            Issue.record("expected authenticationFailed, got \(String(describing: error))")
            return
        }
        #expect(user == fixture.server.user)
        #expect(host == "127.0.0.1")
        #expect(error?.exitCode == 77)
        let keyText = try String(contentsOfFile: stranger, encoding: .utf8)
        let keyBody = keyText.split(separator: "\n")[1]
        #expect(!(error?.description.contains(keyBody) ?? true))
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660] as [UInt32])
    func groupOrOtherAccessibleKeyIsRefusedBeforeConnecting(mode: UInt32) throws {
        let client = try TemporaryDirectory("sftp-client")
        let key = try TestKeys.generate("ed25519", in: client)
        chmod(key, mode_t(mode))
        // Nothing listens on this port: the permission check must win before any network traffic.
        let endpoint = SFTPEndpoint(
            host: "127.0.0.1", port: try closedPort(), username: "nobody", privateKeyPath: key,
            knownHostsPath: client.file("known_hosts"))

        let error = #expect(throws: SFTPError.self) { try SFTPConnection(endpoint: endpoint, retryPolicy: .fast) }

        #expect(error == .keyPermissions(path: key, mode: mode))
        #expect(error?.exitCode == 77)
    }

    @Test func missingKeyFileIsReported() throws {
        let client = try TemporaryDirectory("sftp-client")
        let endpoint = SFTPEndpoint(
            host: "127.0.0.1", port: try closedPort(), username: "nobody", privateKeyPath: client.file("absent"),
            knownHostsPath: client.file("known_hosts"))

        let error = #expect(throws: SFTPError.self) { try SFTPConnection(endpoint: endpoint, retryPolicy: .fast) }

        #expect(error?.exitCode == 77)
    }
}
