/// Where and how to connect: host, credentials, host-key pinning and timeouts.
public struct SFTPEndpoint: Sendable, Hashable {
    /// Ciphers offered in order: AES-GCM first (hardware accelerated), then ChaCha20, then AES-CTR.
    public static let defaultCiphers =
        "aes128-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes256-ctr"

    public var host: String
    public var port: Int
    public var username: String
    /// An OpenSSH or PEM private key (ed25519, ECDSA or RSA); must not be group/other accessible.
    public var privateKeyPath: String
    /// A file whose first line is the key's passphrase; nil for an unencrypted key.
    public var passphraseFile: String?
    /// The known_hosts file the server key is checked against (and appended to under `.acceptNew`).
    public var knownHostsPath: String
    public var hostKeyPolicy: HostKeyPolicy
    /// Limit for TCP connect, key exchange and authentication, each.
    public var connectTimeout: Duration
    /// Longest time any single remote operation may go without progress.
    public var operationTimeout: Duration
    /// Absolute time after which every operation on this endpoint is aborted; nil for none.
    public var deadline: ContinuousClock.Instant?
    /// Comma-separated cipher list for both directions.
    public var ciphers: String

    /// Creates an endpoint description; nothing is contacted until a connection is opened.
    ///
    /// - Parameters:
    ///   - host: DNS name or IP address of the SFTP server.
    ///   - port: TCP port, default 22.
    ///   - username: Remote account.
    ///   - privateKeyPath: Path to the private key file.
    ///   - passphraseFile: Path to a file holding the key passphrase, default none.
    ///   - knownHostsPath: Path to the known_hosts file used for pinning.
    ///   - hostKeyPolicy: `.strict` (default) or `.acceptNew`.
    ///   - connectTimeout: Default 10 seconds.
    ///   - operationTimeout: No-progress limit per operation, default 60 seconds.
    ///   - deadline: Overall deadline, default none.
    ///   - ciphers: Default ``defaultCiphers``.
    public init(
        host: String,
        port: Int = 22,
        username: String,
        privateKeyPath: String,
        passphraseFile: String? = nil,
        knownHostsPath: String,
        hostKeyPolicy: HostKeyPolicy = .strict,
        connectTimeout: Duration = .seconds(10),
        operationTimeout: Duration = .seconds(60),
        deadline: ContinuousClock.Instant? = nil,
        ciphers: String = SFTPEndpoint.defaultCiphers
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.privateKeyPath = privateKeyPath
        self.passphraseFile = passphraseFile
        self.knownHostsPath = knownHostsPath
        self.hostKeyPolicy = hostKeyPolicy
        self.connectTimeout = connectTimeout
        self.operationTimeout = operationTimeout
        self.deadline = deadline
        self.ciphers = ciphers
    }
}
