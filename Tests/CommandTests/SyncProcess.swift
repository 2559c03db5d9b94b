import Foundation
import SSHTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The built `audience-sync` binary running as a child process, with stdout and stderr captured in files.
///
/// Started with `posix_spawn` (see ``Shell``) and always reaped by PID: `deinit` kills a child that is still
/// running, so no test can leave one behind or wait on it forever.
final class CLIProcess: @unchecked Sendable {
    /// A child that did not exit within its time limit (it has been killed).
    struct Timeout: Error, CustomStringConvertible {
        var arguments: [String]
        var limit: Duration
        var stdout: String
        var stderr: String
        var description: String {
            "audience-sync \(arguments.joined(separator: " ")) still running after \(limit); killed.\n"
                + "stdout: \(stdout)\nstderr: \(stderr)"
        }
    }

    let pid: pid_t
    let arguments: [String]
    private let output: TemporaryDirectory
    private var finished: Int32?

    /// Starts `audience-sync` with `arguments`.
    ///
    /// - Throws: ``Shell/Failure`` when the binary cannot be started.
    /// - Parameter fileSizeLimit: When set, the child runs under `ulimit -f` of this many 512-byte blocks
    ///   (RLIMIT_FSIZE) with SIGXFSZ ignored, so a write past the limit fails with EFBIG instead of killing it.
    init(_ arguments: [String], fileSizeLimit: Int? = nil) throws {
        self.arguments = arguments
        output = try TemporaryDirectory("cli-output")
        if let fileSizeLimit {
            // An ignored signal stays ignored across exec, so the binary inherits both settings.
            let script = "trap '' XFSZ; ulimit -f \(fileSizeLimit) && exec \"$0\" \"$@\""
            pid = try Shell.spawn(
                "/bin/sh", ["-c", script, CLI.binary.path] + arguments, stdoutPath: output.file("stdout"),
                stderrPath: output.file("stderr"))
        } else {
            pid = try Shell.spawn(
                CLI.binary.path, arguments, stdoutPath: output.file("stdout"), stderrPath: output.file("stderr"))
        }
    }

    deinit {
        if finished == nil {
            kill(pid, SIGKILL)
            Shell.wait(pid)
        }
    }

    /// Output so far.
    var stdout: String { (try? String(contentsOfFile: output.file("stdout"), encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: output.file("stderr"), encoding: .utf8)) ?? "" }

    /// Whether the child has exited (it is reaped when it has).
    var isRunning: Bool {
        if finished != nil { return false }
        if let status = Shell.wait(pid, timeout: .zero) {
            finished = status
            return false
        }
        return true
    }

    /// Sends `signal` to the child.
    func signal(_ signal: Int32) {
        if finished == nil { kill(pid, signal) }
    }

    /// Waits for the child to exit.
    ///
    /// - Parameter limit: How long to wait before killing it.
    /// - Returns: Its status and output.
    /// - Throws: ``Timeout`` (after killing it) when it is still running at `limit`.
    func wait(limit: Duration) throws -> CLI.Result {
        if finished == nil { finished = Shell.wait(pid, timeout: limit) }
        guard let status = finished else {
            kill(pid, SIGKILL)
            finished = Shell.wait(pid)
            throw Timeout(arguments: arguments, limit: limit, stdout: stdout, stderr: stderr)
        }
        return CLI.Result(status: status, stdout: stdout, stderr: stderr)
    }
}

extension CLI {
    /// Runs `audience-sync` to completion, killing it (and failing the test) after `limit`.
    @discardableResult
    static func run(_ arguments: [String], limit: Duration) throws -> Result {
        try CLIProcess(arguments).wait(limit: limit)
    }
}

/// Polls `condition` every 20 ms until it holds or `limit` passes.
///
/// - Returns: Whether it held.
@discardableResult
func eventually(within limit: Duration, _ condition: () throws -> Bool) rethrows -> Bool {
    let end = ContinuousClock.now + limit
    repeat {
        if try condition() { return true }
        usleep(20_000)
    } while ContinuousClock.now < end
    return try condition()
}
