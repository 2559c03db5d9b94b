import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// OpenSSH's sshd on 127.0.0.1 and a free port, with fresh host keys and its own authorized_keys, for one test.
///
/// Started in the foreground (`-D -e`) so the test owns the process; stopped by PID in ``stop()`` or `deinit`.
public final class SSHDServer: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let port: Int
    /// The login name of the user running the tests (the account sshd lets in).
    public let user: String
    /// Public host key files, by type (`ed25519`, `ecdsa`, `rsa`).
    public let hostPublicKeys: [String: String]
    /// A directory for remote test files (referred to by absolute path over SFTP).
    public let dataDirectory: String
    /// The listener's process id (changes on ``restart()``).
    public private(set) var pid: pid_t
    private var stopped = false

    public var authorizedKeysPath: String { directory.file("authorized_keys") }
    public var logPath: String { directory.file("sshd.log") }
    private var configPath: String { directory.file("sshd_config") }

    /// Starts sshd, retrying with another port when the chosen one was taken in the meantime.
    ///
    /// - Parameters:
    ///   - hostKeyTypes: Host keys to generate, default ed25519 only (so the negotiated key is known).
    ///   - sftpSubsystem: The `Subsystem sftp` command, default OpenSSH's `internal-sftp`.
    /// - Throws: ``Shell/Failure`` when ssh-keygen fails or sshd never listens.
    public init(hostKeyTypes: [String] = ["ed25519"], sftpSubsystem: String = "internal-sftp") throws {
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        directory = try TemporaryDirectory("sshd")
        user = String(cString: getpwuid(getuid())!.pointee.pw_name)
        dataDirectory = directory.file("data")
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory.file("authorized_keys"), contents: Data())

        var publicKeys: [String: String] = [:]
        var hostKeyLines = ""
        for type in hostKeyTypes {
            let path = directory.file("ssh_host_\(type)_key")
            var arguments = ["-q", "-t", type, "-N", "", "-f", path]
            if type == "rsa" { arguments += ["-b", "2048"] }
            try Shell.run("/usr/bin/ssh-keygen", arguments)
            publicKeys[type] = path + ".pub"
            hostKeyLines += "HostKey \(path)\n"
        }
        hostPublicKeys = publicKeys

        var lastError: Error = Shell.Failure(command: "sshd", status: -1, output: "not started")
        for _ in 0..<8 {
            let candidate = try Sockets.freePort()
            try """
            ListenAddress 127.0.0.1
            Port \(candidate)
            \(hostKeyLines)PidFile \(directory.file("sshd.pid"))
            AuthorizedKeysFile \(directory.file("authorized_keys"))
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            StrictModes no
            UsePAM no
            MaxStartups 64
            LogLevel INFO
            Subsystem sftp \(sftpSubsystem)

            """.write(toFile: directory.file("sshd_config"), atomically: true, encoding: .utf8)
            do {
                pid = try Self.launch(
                    config: directory.file("sshd_config"), port: candidate, log: directory.file("sshd.log"))
                port = candidate
                return
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    deinit {
        stop()
    }

    /// Appends a client public key to authorized_keys.
    public func authorize(privateKeyPath: String) throws {
        let publicKey = try String(contentsOfFile: privateKeyPath + ".pub", encoding: .utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: authorizedKeysPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(publicKey.utf8))
        try handle.close()
    }

    /// Path of a file in the remote data directory.
    public func remotePath(_ name: String) -> String {
        (dataDirectory as NSString).appendingPathComponent(name)
    }

    /// SIGSTOPs every process serving a connection (the listener keeps running).
    public func freezeConnections() {
        for child in descendants() { kill(child, SIGSTOP) }
    }

    /// SIGCONTs every descendant again.
    public func thawConnections() {
        for child in descendants() { kill(child, SIGCONT) }
    }

    /// Kills every process serving a connection, so each client sees its connection drop; the listener keeps
    /// accepting new connections.
    public func killConnections() {
        terminateDescendants(graceful: false)
    }

    /// Number of live processes serving connections.
    public var connectionProcessCount: Int { descendants().count }

    /// Stops the connection processes, then the listener, and waits for the listener to exit.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        terminateDescendants(graceful: true)
        kill(pid, SIGTERM)
        Shell.wait(pid)
    }

    /// Starts sshd again on the same port with the same host keys and authorized_keys, after ``stop()``.
    ///
    /// - Throws: ``Shell/Failure`` when sshd does not listen again within 10 seconds.
    public func restart() throws {
        stop()
        pid = try Self.launch(config: configPath, port: port, log: logPath)
        stopped = false
    }

    /// The server's fingerprint for a host key type, as ssh-keygen prints it.
    public func fingerprint(_ type: String = "ed25519") throws -> String {
        try TestKeys.fingerprint(ofPublicKey: hostPublicKeys[type]!)
    }

    /// A known_hosts line for this server and key type.
    public func knownHostsLine(_ type: String = "ed25519") throws -> String {
        let publicKey = try String(contentsOfFile: hostPublicKeys[type]!, encoding: .utf8).split(separator: " ")
        return "[127.0.0.1]:\(port) \(publicKey[0]) \(publicKey[1])"
    }

    /// The sshd log so far (for failure messages).
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    // MARK: Helpers

    /// Spawns sshd and waits until it accepts connections; kills and reaps it when it does not.
    private static func launch(config: String, port: Int, log: String) throws -> pid_t {
        let pid = try Shell.spawn("/usr/sbin/sshd", ["-D", "-e", "-f", config], logPath: log)
        if Sockets.waitUntilListening(port: port, while: { Shell.isRunning(pid) }) { return pid }
        kill(pid, SIGKILL)
        let status = Shell.wait(pid)
        throw Shell.Failure(
            command: "sshd", status: status, output: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    /// Signals the connection processes leaves first, giving each parent time to reap its children: an orphan
    /// is re-parented to PID 1, which in a container may never reap it.
    ///
    /// A frozen process is continued only once its children are gone (so a frozen transfer never resumes), since
    /// a stopped parent cannot reap. A session process blocked writing to a frozen parent handles SIGTERM but
    /// never returns to check it, so after a second a graceful SIGTERM becomes SIGKILL.
    private func terminateDescendants(graceful: Bool) {
        let start = Date()
        while Date().timeIntervalSince(start) < 4 {
            let tree = processTree()
            let leaves = tree.descendants.filter { tree.children[$0] == nil }
            if leaves.isEmpty { return }
            let signal = graceful && Date().timeIntervalSince(start) < 1 ? SIGTERM : SIGKILL
            for leaf in leaves {
                kill(leaf, signal)
                kill(leaf, SIGCONT)
            }
            for parent in tree.descendants where tree.children[parent] != nil { kill(parent, SIGCONT) }
            usleep(20_000)
        }
    }

    private func descendants() -> [pid_t] {
        ProcessTree().descendants(of: pid)
    }

    /// Every live descendant of the listener, and the child lists of all processes.
    private func processTree() -> (descendants: [pid_t], children: [pid_t: [pid_t]]) {
        let tree = ProcessTree()
        return (tree.descendants(of: pid), tree.children)
    }
}
