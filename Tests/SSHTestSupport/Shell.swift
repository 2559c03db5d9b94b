import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs helper programs (ssh-keygen, sha256sum, sshd, the built CLI) for the tests.
///
/// Uses `posix_spawn` and `waitpid` on the exact child instead of Foundation's `Process`: sshd closes every
/// inherited descriptor at start-up, which corelibs Foundation takes for the child's exit, after which it
/// blocks in `waitpid` on the still-running sshd and never notices any other child finishing.
public enum Shell {
    /// A helper program that could not be started or exited non-zero.
    public struct Failure: Error, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var output: String
        public var description: String { "\(command) exited \(status): \(output)" }

        public init(command: String, status: Int32, output: String) {
            self.command = command
            self.status = status
            self.output = output
        }
    }

    /// Starts `executable` with stdin from /dev/null and stdout/stderr appended to `logPath` (or discarded).
    ///
    /// - Parameters:
    ///   - executable: Absolute path of the program.
    ///   - arguments: Arguments after argv[0].
    ///   - logPath: File receiving both stdout and stderr; `nil` discards them.
    /// - Returns: The child's process id; the caller must reap it with ``wait(_:)``.
    /// - Throws: ``Failure`` when `posix_spawn` fails.
    public static func spawn(_ executable: String, _ arguments: [String], logPath: String? = nil) throws -> pid_t {
        let log = logPath ?? "/dev/null"
        return try spawn(executable, arguments, stdoutPath: log, stderrPath: nil)
    }

    /// Starts `executable` with stdin from /dev/null, stdout appended to `stdoutPath` and stderr appended to
    /// `stderrPath` (or to the same file as stdout when `nil`).
    ///
    /// Descriptors above 2 are closed in the child, so a long-lived child never holds another test's pipe open.
    ///
    /// - Returns: The child's process id; the caller must reap it with ``wait(_:)``.
    /// - Throws: ``Failure`` when `posix_spawn` fails.
    public static func spawn(
        _ executable: String, _ arguments: [String], stdoutPath: String, stderrPath: String?,
        environment: [String: String] = [:]
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let stderrPath {
            posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        closeInheritedDescriptors(&actions)

        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard rc == 0 else {
            throw Failure(command: executable, status: rc, output: String(cString: strerror(rc)))
        }
        return pid
    }

    /// Waits for `pid` and returns its exit status (128 + signal when killed).
    @discardableResult
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return decode(status)
    }

    /// Polls `pid` until it exits or `timeout` passes.
    ///
    /// - Returns: The exit status (128 + signal when killed), or `nil` when it is still running.
    public static func wait(_ pid: pid_t, timeout: Duration) -> Int32? {
        let limit = ContinuousClock.now + timeout
        repeat {
            var status: Int32 = 0
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { return decode(status) }
            if rc < 0 && errno != EINTR { return nil }
            usleep(10_000)
        } while ContinuousClock.now < limit
        return nil
    }

    /// True while `pid` has not exited (reaps it when it has).
    public static func isRunning(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// Runs `executable` with `arguments` and returns its combined output; throws on a non-zero exit.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let log = NSTemporaryDirectory() + "shell-\(UUID().uuidString).out"
        defer { unlink(log) }
        let status = wait(try spawn(executable, arguments, logPath: log))
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw Failure(command: ([executable] + arguments).joined(separator: " "), status: status, output: text)
        }
        return text
    }

    /// Lowercase hex SHA-256 of a local file, computed by coreutils (independently of the code under test).
    public static func sha256(_ path: String) throws -> String {
        String(try run("/usr/bin/sha256sum", [path]).prefix(64))
    }

    /// glibc 2.34+ `posix_spawn_file_actions_addclosefrom_np`, which the Glibc module map does not export.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = dlsym(
        nil, "posix_spawn_file_actions_addclosefrom_np"
    ).map { unsafeBitCast($0, to: AddCloseFrom.self) }

    /// Closes descriptors 3 and up in the child, where glibc supports it (parallel tests' pipes are not CLOEXEC).
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        _ = addCloseFrom?(&actions, 3)
    }

    private static func decode(_ status: Int32) -> Int32 {
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }
}
