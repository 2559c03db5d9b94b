import AudienceSFTP
import Foundation
import SSHTestSupport

/// A running sshd, a client key it accepts, a known_hosts file that trusts it, and an empty staging directory.
final class SFTPFixture: @unchecked Sendable {
    let server: SSHDServer
    let client: TemporaryDirectory
    let staging: TemporaryDirectory
    let keyPath: String
    let knownHostsPath: String
    var passphraseFile: String?

    /// - Parameters:
    ///   - keyType: Client key type for ssh-keygen.
    ///   - passphrase: Encrypts the client key and writes the passphrase to a file when set.
    ///   - trustServer: Writes the server's key into known_hosts (otherwise the file is empty).
    ///   - sftpSubsystem: sshd's `Subsystem sftp` command (default `internal-sftp`).
    init(
        keyType: String = "ed25519", passphrase: String? = nil, trustServer: Bool = true,
        sftpSubsystem: String = "internal-sftp"
    ) throws {
        server = try SSHDServer(sftpSubsystem: sftpSubsystem)
        client = try TemporaryDirectory("sftp-client")
        staging = try TemporaryDirectory("sftp-staging")
        keyPath = try TestKeys.generate(keyType, in: client, passphrase: passphrase ?? "")
        try server.authorize(privateKeyPath: keyPath)
        if let passphrase {
            let file = client.file("passphrase")
            try (passphrase + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            chmod(file, 0o600)
            passphraseFile = file
        }
        knownHostsPath = client.file("known_hosts")
        let trusted = trustServer ? try server.knownHostsLine() + "\n" : ""
        try trusted.write(toFile: knownHostsPath, atomically: true, encoding: .utf8)
    }

    /// An endpoint for this server with short test timeouts.
    func endpoint(
        policy: HostKeyPolicy = .strict,
        keyPath: String? = nil,
        port: Int? = nil,
        connectTimeout: Duration = .seconds(5),
        operationTimeout: Duration = .seconds(10)
    ) -> SFTPEndpoint {
        SFTPEndpoint(
            host: "127.0.0.1", port: port ?? server.port, username: server.user,
            privateKeyPath: keyPath ?? self.keyPath, passphraseFile: passphraseFile, knownHostsPath: knownHostsPath,
            hostKeyPolicy: policy, connectTimeout: connectTimeout, operationTimeout: operationTimeout)
    }

    /// Connects with a fast retry policy.
    func connect(policy: HostKeyPolicy = .strict, operationTimeout: Duration = .seconds(10)) throws -> SFTPConnection {
        try SFTPConnection(endpoint: endpoint(policy: policy, operationTimeout: operationTimeout), retryPolicy: .fast)
    }

    /// Writes a remote file with random content and returns its remote path.
    @discardableResult
    func makeRemoteFile(_ name: String, bytes: Int) throws -> String {
        let path = server.remotePath(name)
        try writeRandomFile(path, count: bytes)
        return path
    }
}

extension RetryPolicy {
    /// Two quick attempts, so failure tests finish in well under a second.
    static let fast = RetryPolicy(attempts: 2, delays: [.milliseconds(100)])
}
