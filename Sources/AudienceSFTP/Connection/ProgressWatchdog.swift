import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Aborts a blocked libssh call by shutting the socket down when an operation stops making progress.
///
/// libssh 0.10 waits forever in blocking SFTP reads when the server freezes mid-transfer; its own
/// `SSH_OPTIONS_TIMEOUT` covers only connect, key exchange and login. A timer on a private queue checks the
/// armed operation every 100 ms and calls `shutdown(SHUT_RDWR)`, which makes the blocked call fail at once.
/// The watchdog keeps its own `dup` of the socket so a descriptor number reused after libssh closes the
/// original can never be shut down by mistake.
final class ProgressWatchdog: @unchecked Sendable {
    private struct Armed {
        var operation: String
        var timeout: Duration
        var lastProgress: ContinuousClock.Instant
    }

    private let host: String
    private let deadline: ContinuousClock.Instant?
    private let started = ContinuousClock.now
    private let lock = NSLock()
    private var socket: Int32 = -1
    private var armed: Armed?
    private var fired: SFTPError?
    private let timer: DispatchSourceTimer

    init(host: String, deadline: ContinuousClock.Instant?) {
        self.host = host
        self.deadline = deadline
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "audience-sftp.watchdog"))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100), leeway: .milliseconds(20))
        timer.setEventHandler { [weak self] in self?.check() }
        timer.resume()
    }

    deinit {
        timer.cancel()
        if socket >= 0 { close(socket) }
    }

    /// Watches `fd` from now on (a private duplicate is kept until ``detach()``).
    func attach(socket fd: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if socket >= 0 { close(socket) }
        socket = dup(fd)
    }

    /// Stops watching the socket and closes the private duplicate.
    func detach() {
        lock.lock()
        defer { lock.unlock() }
        if socket >= 0 { close(socket) }
        socket = -1
        armed = nil
    }

    /// Records progress for the armed operation (cheap; called once per received chunk).
    func progress() {
        lock.lock()
        armed?.lastProgress = .now
        lock.unlock()
    }

    /// The timeout that fired, if any; once fired the socket is dead.
    var firedTimeout: SFTPError? {
        lock.lock()
        defer { lock.unlock() }
        return fired
    }

    /// Runs `body` with the watchdog armed for `operation`; a failure after the watchdog fired is reported as
    /// ``SFTPError/timeout(host:operation:seconds:)``.
    func guarded<T>(_ operation: String, timeout: Duration, _ body: () throws -> T) throws -> T {
        try begin(operation, timeout: timeout)
        defer { end() }
        do {
            let value = try body()
            if let fired = firedTimeout { throw fired }
            return value
        } catch {
            if let fired = firedTimeout { throw fired }
            throw error
        }
    }

    private func begin(_ operation: String, timeout: Duration) throws {
        lock.lock()
        defer { lock.unlock() }
        if let fired { throw fired }
        if let deadline, ContinuousClock.now >= deadline {
            let error = SFTPError.timeout(host: host, operation: operation, seconds: (deadline - started).seconds)
            fired = error
            throw error
        }
        armed = Armed(operation: operation, timeout: timeout, lastProgress: .now)
    }

    private func end() {
        lock.lock()
        armed = nil
        lock.unlock()
    }

    private func check() {
        lock.lock()
        defer { lock.unlock() }
        guard let current = armed, fired == nil else { return }
        let now = ContinuousClock.now
        if now - current.lastProgress >= current.timeout {
            fired = .timeout(host: host, operation: current.operation, seconds: current.timeout.seconds)
        } else if let deadline, now >= deadline {
            fired = .timeout(host: host, operation: current.operation, seconds: (deadline - started).seconds)
        } else {
            return
        }
        if socket >= 0 {
            _ = shutdown(socket, Int32(SHUT_RDWR))
        }
        armed = nil
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
