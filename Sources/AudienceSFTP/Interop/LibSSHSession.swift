import CLibSSH
import Foundation

/// The only owner of a libssh `ssh_session` and its `sftp_session`.
///
/// Not thread-safe and not Sendable: libssh handles must be used from one thread at a time. Both handles are
/// freed in ``close()`` or `deinit`, whichever comes first. Every non-OK return code becomes an ``SFTPError``
/// carrying `ssh_get_error` text and the host.
final class LibSSHSession {
    let host: String
    let port: Int
    private var session: ssh_session?
    private(set) var sftp: sftp_session?
    /// The socket handed over with `SSH_OPTIONS_FD` and its inode: libssh 0.10 does not close such a socket in
    /// `ssh_free`, so we do, after checking the number still names the same socket.
    private var adopted: (fd: Int32, inode: UInt64)?

    /// Creates a session and applies every option that matters for security and speed.
    ///
    /// `SSH_OPTIONS_PROCESS_CONFIG` is switched off before anything else: otherwise a stray `~/.ssh/config`
    /// is parsed at connect time and can silently override host-key pinning. Both known_hosts options are set
    /// explicitly for the same reason.
    init(host: String, port: Int, username: String?, knownHostsPath: String, ciphers: String, timeout: Duration)
        throws
    {
        self.host = host
        self.port = port
        guard let created = ssh_new() else {
            throw SFTPError.sessionFailed(host: host, operation: "setup", message: "ssh_new returned NULL")
        }
        session = created
        try setOption(SSH_OPTIONS_PROCESS_CONFIG, bool: false)
        try setOption(SSH_OPTIONS_HOST, string: host)
        var cPort = UInt32(port)
        try setOption(SSH_OPTIONS_PORT, pointer: &cPort)
        if let username {
            try setOption(SSH_OPTIONS_USER, string: username)
        }
        try setOption(SSH_OPTIONS_KNOWNHOSTS, string: knownHostsPath)
        try setOption(SSH_OPTIONS_GLOBAL_KNOWNHOSTS, string: "/dev/null")
        var strict: Int32 = 1
        try setOption(SSH_OPTIONS_STRICTHOSTKEYCHECK, pointer: &strict)
        var noDelay: Int32 = 1
        try setOption(SSH_OPTIONS_NODELAY, pointer: &noDelay)
        try setOption(SSH_OPTIONS_CIPHERS_C_S, string: ciphers)
        try setOption(SSH_OPTIONS_CIPHERS_S_C, string: ciphers)
        // libssh's own timeout is only a backstop one second behind the watchdog, so a silent server is always
        // reported by the watchdog as a timeout rather than by libssh as a generic failure.
        let (seconds, attoseconds) = (timeout + .seconds(1)).components
        var cSeconds = Int(max(0, seconds))
        var cMicros = Int(max(0, attoseconds) / 1_000_000_000_000)
        if cSeconds == 0 && cMicros == 0 { cMicros = 1 }
        try setOption(SSH_OPTIONS_TIMEOUT, pointer: &cSeconds)
        try setOption(SSH_OPTIONS_TIMEOUT_USEC, pointer: &cMicros)
    }

    deinit {
        close()
    }

    /// Frees the SFTP and SSH handles; safe to call twice.
    func close() {
        if let sftp {
            sftp_free(sftp)
            self.sftp = nil
        }
        if let session {
            ssh_disconnect(session)
            ssh_free(session)
            self.session = nil
        }
        if let adopted {
            if TCPConnector.inode(of: adopted.fd) == adopted.inode {
                TCPConnector.closeSocket(adopted.fd)
            }
            self.adopted = nil
        }
    }

    /// Shuts the connection's socket down without closing it, so every later libssh call on it fails at once
    /// instead of waiting for replies; ``close()`` still frees everything. For a session whose SFTP stream
    /// can no longer be trusted to be in step (a malformed reply, or replies still on the way after a failed
    /// read).
    func abandon() {
        if let adopted, TCPConnector.inode(of: adopted.fd) == adopted.inode {
            _ = shutdown(adopted.fd, Int32(SHUT_RDWR))
        }
    }

    // MARK: Connecting

    /// Hands a connected socket to libssh; from now on ``close()`` closes it.
    func adopt(socket fd: Int32) throws {
        var cFD = fd
        try setOption(SSH_OPTIONS_FD, pointer: &cFD)
        adopted = (fd, TCPConnector.inode(of: fd) ?? 0)
    }

    /// Runs the SSH banner exchange and key exchange over the adopted socket.
    func handshake(timeout: Duration) throws {
        let handle = try live("key exchange")
        guard ssh_connect(handle) == SSH_OK else {
            let message = lastError
            // A peer that closes or resets during the banner is often sshd's MaxStartups throttling: transient.
            let lowered = message.lowercased()
            if lowered.contains("timeout") || lowered.contains("timed out") {
                throw SFTPError.timeout(host: host, operation: "key exchange", seconds: timeout.seconds)
            }
            if lowered.contains("reset") || lowered.contains("disconnected") || lowered.contains("closed") {
                throw SFTPError.unreachable(host: host, port: port, attempts: 1, message: message)
            }
            throw SFTPError.sessionFailed(host: host, operation: "key exchange", message: message)
        }
    }

    /// The server's public key as OpenSSH prints it: `SHA256:` and unpadded base64.
    func serverFingerprint() throws -> String {
        let handle = try live("host key check")
        var key: ssh_key?
        guard ssh_get_server_publickey(handle, &key) == SSH_OK, let key else {
            throw SFTPError.sessionFailed(host: host, operation: "host key check", message: lastError)
        }
        defer { ssh_key_free(key) }
        var hash: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == SSH_OK, let hash else {
            throw SFTPError.sessionFailed(host: host, operation: "host key check", message: lastError)
        }
        let digest = Data(bytes: hash, count: length)
        var owned: UnsafeMutablePointer<UInt8>? = hash
        ssh_clean_pubkey_hash(&owned)
        return "SHA256:" + digest.base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// The server key as a known_hosts line (`[host]:port` when the port is not 22), without newline.
    func knownHostsLine() throws -> String {
        let handle = try live("host key export")
        var entry: UnsafeMutablePointer<CChar>?
        guard ssh_session_export_known_hosts_entry(handle, &entry) == SSH_OK, let entry else {
            throw SFTPError.sessionFailed(host: host, operation: "host key export", message: lastError)
        }
        defer { ssh_string_free_char(entry) }
        return String(cString: entry).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Checks the server key against known_hosts; under `.acceptNew` an unknown key is appended.
    func verifyHostKey(knownHostsPath: String, policy: HostKeyPolicy) throws {
        let handle = try live("host key check")
        let fingerprint = try serverFingerprint()
        let state = ssh_session_is_known_server(handle)
        switch state {
        case SSH_KNOWN_HOSTS_OK:
            return
        case SSH_KNOWN_HOSTS_CHANGED, SSH_KNOWN_HOSTS_OTHER:
            throw SFTPError.hostKeyChanged(
                host: host, port: port, fingerprint: fingerprint, knownHostsPath: knownHostsPath)
        case SSH_KNOWN_HOSTS_UNKNOWN, SSH_KNOWN_HOSTS_NOT_FOUND:
            guard policy == .acceptNew else {
                throw SFTPError.unknownHostKey(
                    host: host, port: port, fingerprint: fingerprint, knownHostsPath: knownHostsPath)
            }
            guard ssh_session_update_known_hosts(handle) == SSH_OK else {
                throw SFTPError.knownHostsUnusable(path: knownHostsPath, message: lastError)
            }
        default:
            throw SFTPError.knownHostsUnusable(path: knownHostsPath, message: lastError)
        }
    }

    /// Public-key authentication; the user was set as a session option.
    func authenticate(user: String, key: PrivateKey) throws {
        let handle = try live("authentication")
        let rc = ssh_userauth_publickey(handle, nil, key.handle)
        if rc == Int32(SSH_AUTH_SUCCESS.rawValue) { return }
        if rc == Int32(SSH_AUTH_ERROR.rawValue) {
            throw SFTPError.sessionFailed(host: host, operation: "authentication", message: lastError)
        }
        let detail = lastError.isEmpty ? "the server did not accept the public key" : lastError
        throw SFTPError.authenticationFailed(user: user, host: host, message: detail)
    }

    /// Opens the SFTP subsystem channel.
    func startSFTP() throws {
        let handle = try live("SFTP start")
        guard let created = sftp_new(handle) else {
            throw SFTPError.sessionFailed(host: host, operation: "SFTP start", message: lastError)
        }
        guard sftp_init(created) == SSH_OK else {
            let message = lastError
            sftp_free(created)
            throw SFTPError.sessionFailed(host: host, operation: "SFTP start", message: message)
        }
        sftp = created
    }

    // MARK: Errors and options

    /// libssh's message for the last failure on this session.
    var lastError: String {
        guard let session, let text = ssh_get_error(UnsafeMutableRawPointer(session)) else { return "" }
        return String(cString: text)
    }

    func live(_ operation: String) throws -> ssh_session {
        guard let session else {
            throw SFTPError.sessionFailed(host: host, operation: operation, message: "the connection is closed")
        }
        return session
    }

    private func setOption(_ option: ssh_options_e, string: String) throws {
        let rc = string.withCString { ssh_options_set(session, option, $0) }
        try checkOption(rc, option)
    }

    private func setOption(_ option: ssh_options_e, bool value: Bool) throws {
        var cValue = value
        try setOption(option, pointer: &cValue)
    }

    private func setOption<T>(_ option: ssh_options_e, pointer: UnsafeMutablePointer<T>) throws {
        try checkOption(ssh_options_set(session, option, UnsafeRawPointer(pointer)), option)
    }

    private func checkOption(_ rc: Int32, _ option: ssh_options_e) throws {
        guard rc == SSH_OK else {
            throw SFTPError.sessionFailed(
                host: host, operation: "setting option \(option.rawValue)", message: lastError)
        }
    }
}

/// A private key loaded with `ssh_pki_import_privkey_file`, freed in `deinit`.
final class PrivateKey {
    let handle: ssh_key

    /// - Throws: ``SFTPError/privateKeyUnusable(path:message:)`` for a missing, unreadable, malformed or
    ///   wrongly-decrypted key.
    init(path: String, passphrase: String?) throws {
        var key: ssh_key?
        let rc = ssh_pki_import_privkey_file(path, passphrase, nil, nil, &key)
        guard rc == SSH_OK, let key else {
            let reason =
                rc == SSH_EOF
                ? "the file does not exist or is not readable"
                : "libssh could not parse or decrypt it (wrong passphrase or unsupported format)"
            throw SFTPError.privateKeyUnusable(path: path, message: reason)
        }
        handle = key
    }

    deinit {
        ssh_key_free(handle)
    }
}
