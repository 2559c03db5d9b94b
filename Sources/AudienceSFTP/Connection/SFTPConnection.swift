import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One authenticated SFTP connection: connect, verify the host key, authenticate and start SFTP in `init`;
/// free everything in ``close()`` or `deinit`.
///
/// Every call blocks the calling thread; run it on a dedicated `Thread`, never on Swift's cooperative pool.
/// Not Sendable: use one connection per thread (see ``ParallelDownloader``).
public final class SFTPConnection {
    /// A logger that discards everything, the default for callers that do not pass one.
    public static var silentLogger: Logger {
        Logger(label: "audience-sftp", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    public let endpoint: SFTPEndpoint
    private let session: LibSSHSession
    private let watchdog: ProgressWatchdog
    private var logger: Logger
    private var closed = false

    /// Connects, verifies the server key against known_hosts, authenticates and opens the SFTP channel.
    ///
    /// Refused or reset connections are retried according to `retryPolicy`; nothing else is retried.
    ///
    /// - Parameters:
    ///   - endpoint: Host, credentials, pinning and timeouts.
    ///   - retryPolicy: Attempts and backoff for transient failures, default 3 attempts (1 s, 2 s).
    ///   - logger: Receives constant messages with `sftp.host` metadata; never key material.
    /// - Throws: ``SFTPError``: `keyPermissions` and `privateKeyUnusable` before any network traffic, then
    ///   `unreachable`, `timeout`, `unknownHostKey`, `hostKeyChanged`, `authenticationFailed` or `sessionFailed`.
    public init(endpoint: SFTPEndpoint, retryPolicy: RetryPolicy = .default, logger: Logger = silentLogger) throws {
        self.endpoint = endpoint
        var logger = logger
        logger[metadataKey: "sftp.host"] = "\(endpoint.host):\(endpoint.port)"
        self.logger = logger

        let key = try PrivateKeyLoader.load(endpoint)
        let watchdog = ProgressWatchdog(host: endpoint.host, deadline: endpoint.deadline)
        var attempt = 1
        while true {
            do {
                session = try Self.open(endpoint, key: key, watchdog: watchdog, logger: logger)
                break
            } catch let error as SFTPError where error.isTransient {
                guard case .unreachable(let host, let port, _, let message) = error else { throw error }
                let delay = retryPolicy.delay(after: attempt)
                let pastDeadline = endpoint.deadline.map { ContinuousClock.now + delay >= $0 } ?? false
                guard attempt < retryPolicy.attempts, !pastDeadline else {
                    logger.error(
                        "SFTP server unreachable",
                        metadata: ["event": "sftp.unreachable", "host": "\(host)", "attempts": .stringConvertible(attempt)])
                    throw SFTPError.unreachable(host: host, port: port, attempts: attempt, message: message)
                }
                logger.warning(
                    "SFTP connection failed, retrying",
                    metadata: ["event": "sftp.retry", "attempt": .stringConvertible(attempt), "error": "\(message)"])
                Thread.sleep(forTimeInterval: delay.seconds)
                attempt += 1
            }
        }
        self.watchdog = watchdog
        logger.debug("SFTP logged in", metadata: ["event": "sftp.login", "user": "\(endpoint.username)"])
    }

    deinit {
        close()
    }

    /// Closes the SFTP channel and the SSH session; further calls fail. Safe to call twice.
    public func close() {
        guard !closed else { return }
        closed = true
        watchdog.detach()
        session.close()
    }

    // MARK: Remote operations

    /// Size, modification time and kind of `path`, or nil when it does not exist.
    ///
    /// - Parameter path: Absolute remote path, or relative to the login directory.
    /// - Returns: The attributes, or nil for `SSH_FX_NO_SUCH_FILE`.
    /// - Throws: ``SFTPError/timeout(host:operation:seconds:)`` or
    ///   ``SFTPError/remoteOperationFailed(host:path:operation:message:)``.
    public func stat(_ path: String) throws -> RemoteFileInfo? {
        try guarded("stat") { try session.stat(path) }
    }

    /// Entries of `directory` (without `.` and `..`), in server order.
    ///
    /// - Throws: ``SFTPError/remoteFileMissing(host:path:)`` when the directory does not exist, otherwise as
    ///   ``stat(_:)``.
    public func list(_ directory: String) throws -> [RemoteFileInfo] {
        try guarded("list") { try session.list(directory, progress: watchdog.progress) }
    }

    /// Renames a remote file (OpenSSH refuses to replace an existing target).
    ///
    /// - Throws: ``SFTPError/remoteFileMissing(host:path:)`` or
    ///   ``SFTPError/remoteOperationFailed(host:path:operation:message:)``.
    public func rename(from source: String, to destination: String) throws {
        try guarded("rename") { try session.rename(from: source, to: destination) }
        logger.debug("SFTP renamed", metadata: ["event": "sftp.rename", "file": "\(source)", "to": "\(destination)"])
    }

    /// Deletes a remote file.
    ///
    /// - Throws: ``SFTPError/remoteFileMissing(host:path:)`` or
    ///   ``SFTPError/remoteOperationFailed(host:path:operation:message:)``.
    public func remove(_ path: String) throws {
        try guarded("remove") { try session.remove(path) }
        logger.debug("SFTP removed", metadata: ["event": "sftp.remove", "file": "\(path)"])
    }

    /// Creates a remote directory unless it already exists (for archive folders); parents are not created.
    ///
    /// - Throws: ``SFTPError/remoteOperationFailed(host:path:operation:message:)`` when it cannot be created and
    ///   is not already a directory.
    public func makeDirectory(_ path: String, permissions: UInt32 = 0o750) throws {
        try guarded("mkdir") { try session.makeDirectory(path, permissions: permissions) }
    }

    // MARK: Internals

    func guarded<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        guard !closed else {
            throw SFTPError.sessionFailed(
                host: endpoint.host, operation: operation, message: "the connection is closed")
        }
        return try watchdog.guarded(operation, timeout: endpoint.operationTimeout, body)
    }

    var sessionForTransfer: LibSSHSession { session }
    var watchdogForTransfer: ProgressWatchdog { watchdog }
    var transferLogger: Logger { logger }

    private static func open(_ endpoint: SFTPEndpoint, key: PrivateKey, watchdog: ProgressWatchdog, logger: Logger)
        throws -> LibSSHSession
    {
        let fd = try TCPConnector.open(
            host: endpoint.host, port: endpoint.port, timeout: endpoint.connectTimeout, deadline: endpoint.deadline)
        let session: LibSSHSession
        do {
            session = try LibSSHSession(
                host: endpoint.host, port: endpoint.port, username: endpoint.username,
                knownHostsPath: endpoint.knownHostsPath, ciphers: endpoint.ciphers, timeout: endpoint.connectTimeout)
            try session.adopt(socket: fd)
        } catch {
            TCPConnector.closeSocket(fd)
            throw error
        }
        watchdog.attach(socket: fd)
        do {
            try watchdog.guarded("key exchange", timeout: endpoint.connectTimeout) {
                try session.handshake(timeout: endpoint.connectTimeout)
            }
            try session.verifyHostKey(knownHostsPath: endpoint.knownHostsPath, policy: endpoint.hostKeyPolicy)
            try watchdog.guarded("authentication", timeout: endpoint.connectTimeout) {
                try session.authenticate(user: endpoint.username, key: key)
            }
            try watchdog.guarded("SFTP start", timeout: endpoint.connectTimeout) { try session.startSFTP() }
            return session
        } catch {
            watchdog.detach()
            session.close()
            if case .hostKeyChanged = error as? SFTPError {
                logger.error("SFTP host key changed", metadata: ["event": "sftp.host_key_changed", "host": "\(endpoint.host)"])
            }
            throw error
        }
    }
}

/// libssh handles must stay on one thread: a connection is deliberately not Sendable.
@available(*, unavailable)
extension SFTPConnection: Sendable {}
