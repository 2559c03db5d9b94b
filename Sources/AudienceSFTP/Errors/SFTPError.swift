import Foundation

/// Everything that can go wrong while talking to the SFTP drop folder.
///
/// Each case names the host (and the file, where there is one) and carries libssh's own message when libssh
/// produced the failure. ``exitCode`` maps every case to a sysexits-style process exit code in one place.
public enum SFTPError: Error, CustomStringConvertible, Sendable, Equatable {
    /// TCP connection or SSH handshake failed after every retry (connection refused, reset, no route, DNS).
    case unreachable(host: String, port: Int, attempts: Int, message: String)
    /// No progress within the configured timeout, or the overall deadline passed.
    case timeout(host: String, operation: String, seconds: Double)
    /// The server's host key is not in the known_hosts file and the policy is `.strict`.
    case unknownHostKey(host: String, port: Int, fingerprint: String, knownHostsPath: String)
    /// The known_hosts file holds a different key (or only keys of another type) for this host.
    case hostKeyChanged(host: String, port: Int, fingerprint: String, knownHostsPath: String)
    /// The known_hosts file could not be read or updated.
    case knownHostsUnusable(path: String, message: String)
    /// The private key file is readable by group or others (mode & 0o077 != 0); refused before connecting.
    case keyPermissions(path: String, mode: UInt32)
    /// The private key (or its passphrase file) could not be read or decrypted.
    case privateKeyUnusable(path: String, message: String)
    /// The server rejected the public key for this user.
    case authenticationFailed(user: String, host: String, message: String)
    /// An SSH-level failure after the TCP connection was up (key exchange, channel, SFTP subsystem).
    case sessionFailed(host: String, operation: String, message: String)
    /// The remote file or directory does not exist.
    case remoteFileMissing(host: String, path: String)
    /// A remote operation (open, read, rename, remove, mkdir, list) failed for another reason.
    case remoteOperationFailed(host: String, path: String, operation: String, message: String)
    /// The remote file is larger than the configured maximum.
    case fileTooLarge(host: String, path: String, size: UInt64, limit: UInt64)
    /// The downloaded byte count differs from the size the server reports (the file changed while we read it).
    case sizeMismatch(host: String, path: String, expected: UInt64, actual: UInt64)
    /// A local file operation (create, write, fsync, rename) failed.
    case localIO(path: String, operation: String, message: String)

    /// The process exit code for this error (sysexits.h values).
    ///
    /// - unreachable: 69 (`EX_UNAVAILABLE`)
    /// - timeout: 75 (`EX_TEMPFAIL`), for every phase including connect and key exchange: a timeout is always
    ///   worth retrying later, while 69 means the host actively refused or could not be found.
    /// - unknownHostKey, hostKeyChanged, knownHostsUnusable: 78 (`EX_CONFIG`)
    /// - keyPermissions, privateKeyUnusable, authenticationFailed: 77 (`EX_NOPERM`)
    /// - remoteFileMissing: 66 (`EX_NOINPUT`)
    /// - fileTooLarge: 65 (`EX_DATAERR`)
    /// - sessionFailed, remoteOperationFailed, sizeMismatch, localIO: 74 (`EX_IOERR`)
    public var exitCode: Int32 {
        switch self {
        case .unreachable: 69
        case .timeout: 75
        case .unknownHostKey, .hostKeyChanged, .knownHostsUnusable: 78
        case .keyPermissions, .privateKeyUnusable, .authenticationFailed: 77
        case .remoteFileMissing: 66
        case .fileTooLarge: 65
        case .sessionFailed, .remoteOperationFailed, .sizeMismatch, .localIO: 74
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let host, let port, let attempts, let message):
            return "Could not reach SFTP server \(host):\(port) after \(attempts) attempt(s): \(message)."
        case .timeout(let host, let operation, let seconds):
            return "SFTP \(operation) on \(host) made no progress for \(Self.format(seconds)) s and was aborted."
        case .unknownHostKey(let host, let port, let fingerprint, let path):
            return "Host key of \(Self.hostLabel(host, port)) (\(fingerprint)) is not in \(path); verify it and add it"
                + " with `audience-sync hostkey` or use the accept-new policy."
        case .hostKeyChanged(let host, let port, let fingerprint, let path):
            return "Host key of \(Self.hostLabel(host, port)) changed: the server offered \(fingerprint), which does"
                + " not match \(path); refusing to connect."
        case .knownHostsUnusable(let path, let message):
            return "Known-hosts file \(path) could not be used: \(message)."
        case .keyPermissions(let path, let mode):
            return "Private key \(path) has mode \(String(mode & 0o7777, radix: 8)), which lets group or others read"
                + " it; run `chmod 600 \(path)`."
        case .privateKeyUnusable(let path, let message):
            return "Private key \(path) could not be loaded: \(message)."
        case .authenticationFailed(let user, let host, let message):
            return "SFTP server \(host) rejected public-key authentication for user \(user): \(message)."
        case .sessionFailed(let host, let operation, let message):
            return "SSH \(operation) with \(host) failed: \(message)."
        case .remoteFileMissing(let host, let path):
            return "Remote file \(path) does not exist on \(host)."
        case .remoteOperationFailed(let host, let path, let operation, let message):
            return "SFTP \(operation) of \(path) on \(host) failed: \(message)."
        case .fileTooLarge(let host, let path, let size, let limit):
            return "Remote file \(path) on \(host) is at least \(size) bytes, above the limit of \(limit) bytes."
        case .sizeMismatch(let host, let path, let expected, let actual):
            return "Remote file \(path) on \(host) changed during download: server reports \(expected) bytes,"
                + " received \(actual)."
        case .localIO(let path, let operation, let message):
            return "Local \(operation) of \(path) failed: \(message)."
        }
    }

    /// True for failures worth another connection attempt (refused, reset, handshake cut short).
    var isTransient: Bool {
        if case .unreachable = self { return true }
        return false
    }

    private static func hostLabel(_ host: String, _ port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
