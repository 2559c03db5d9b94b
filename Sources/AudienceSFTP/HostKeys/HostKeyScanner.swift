import Foundation

/// A server key as fetched by ``HostKeyScanner``.
public struct ScannedHostKey: Sendable, Hashable {
    /// `host key-type base64` (with `[host]:port` when the port is not 22), ready to append to known_hosts.
    public var knownHostsLine: String
    /// `SHA256:` followed by unpadded base64, as OpenSSH prints it.
    public var fingerprint: String
}

/// Fetches a server's host key without authenticating, for `audience-sync hostkey`.
public enum HostKeyScanner {
    /// Connects, completes key exchange, and returns the key the server presented.
    ///
    /// The key type is the one libssh negotiates by default, i.e. the one a later connection will check.
    ///
    /// - Parameters:
    ///   - host: DNS name or IP address.
    ///   - port: TCP port, default 22.
    ///   - timeout: Limit for connect and key exchange, default 10 seconds.
    /// - Returns: The known_hosts line and the SHA-256 fingerprint.
    /// - Throws: ``SFTPError/unreachable(host:port:attempts:message:)``, ``SFTPError/timeout(host:operation:seconds:)``
    ///   or ``SFTPError/sessionFailed(host:operation:message:)``.
    public static func hostKey(host: String, port: Int = 22, timeout: Duration = .seconds(10)) throws
        -> ScannedHostKey
    {
        let fd = try TCPConnector.open(host: host, port: port, timeout: timeout, deadline: nil)
        let session: LibSSHSession
        do {
            session = try LibSSHSession(
                host: host, port: port, username: nil, knownHostsPath: "/dev/null",
                ciphers: SFTPEndpoint.defaultCiphers, timeout: timeout)
            try session.adopt(socket: fd)
        } catch {
            TCPConnector.closeSocket(fd)
            throw error
        }
        let watchdog = ProgressWatchdog(host: host, deadline: nil)
        watchdog.attach(socket: fd)
        defer {
            watchdog.detach()
            session.close()
        }
        try watchdog.guarded("key exchange", timeout: timeout) { try session.handshake(timeout: timeout) }
        return ScannedHostKey(
            knownHostsLine: try session.knownHostsLine(), fingerprint: try session.serverFingerprint())
    }
}
