import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP proxy on 127.0.0.1 in front of another local port, which can throttle the traffic or stop forwarding
/// it altogether while keeping every connection open: a stalled network path, as opposed to a dead peer.
///
/// One thread accepts; each connection gets one thread per direction. Call ``stop()`` when done: it shuts every
/// socket down, which ends the threads (they keep the proxy alive until then).
public final class FaultyTCPProxy: @unchecked Sendable {
    public let port: Int
    private let target: Int
    private let listener: Int32
    private let lock = NSLock()
    private var pairs: [PairCloser] = []
    private var stalled = false
    private var bytesPerSecond: Int?
    private var stopped = false
    private var forwarded = 0
    private let forwardFirst: Int?
    private var acceptCount = 0

    /// Listens on a free port and forwards each connection to 127.0.0.1:`target`.
    ///
    /// - Parameters:
    ///   - bytesPerSecond: Limit for each direction of each connection; `nil` forwards at full speed.
    ///   - forwardFirst: When set, only the first this many connections are forwarded; every later one is
    ///     closed right after accept (a server that refuses further sessions).
    /// - Throws: ``Sockets/ListenFailure`` when the socket cannot listen.
    public init(forwardingTo target: Int, bytesPerSecond: Int? = nil, forwardFirst: Int? = nil) throws {
        self.target = target
        self.bytesPerSecond = bytesPerSecond
        self.forwardFirst = forwardFirst
        (listener, port) = try Sockets.listenOnLoopback(backlog: 16)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops reading from and writing to every connection, without closing any: the peers see silence.
    public func stall() { lock.withLock { stalled = true } }

    /// Forwards again after ``stall()``.
    public func resume() { lock.withLock { stalled = false } }

    /// Changes the throttle (`nil`: full speed).
    public func throttle(bytesPerSecond: Int?) { lock.withLock { self.bytesPerSecond = bytesPerSecond } }

    /// Bytes forwarded so far, both directions together.
    public var bytesForwarded: Int { lock.withLock { forwarded } }

    /// Connections accepted so far, forwarded or closed.
    public var connectionsAccepted: Int { lock.withLock { acceptCount } }

    /// Closes the listener and every connection.
    public func stop() {
        let open: [PairCloser]? = lock.withLock {
            guard !stopped else { return nil }
            stopped = true
            return pairs
        }
        guard let open else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        for pair in open { pair.shutdownBoth() }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                // Closed here, not in stop(), so accept never runs on a reused descriptor number.
                close(listener)
                return
            }
            let number = lock.withLock {
                acceptCount += 1
                return acceptCount
            }
            if let forwardFirst, number > forwardFirst {
                close(client)
                continue
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Sockets.loopback(port: target)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            let closer = PairCloser(client, upstream)
            let accepted: Bool = lock.withLock {
                guard !stopped, connected else { return false }
                pairs.append(closer)
                return true
            }
            guard accepted else {
                close(client)
                close(upstream)
                continue
            }
            Thread.detachNewThread { [self] in pump(from: client, to: upstream, closer: closer) }
            Thread.detachNewThread { [self] in pump(from: upstream, to: client, closer: closer) }
        }
    }

    /// Copies one direction until either side closes; then shuts both sockets down (closed by the last pump).
    private func pump(from source: Int32, to destination: Int32, closer: PairCloser) {
        let chunk = 16 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer {
            buffer.deallocate()
            closer.finish()
        }
        var windowStart = ContinuousClock.now
        var windowBytes = 0
        while true {
            // While stalled nothing is read, so the kernel buffers fill and TCP closes the window.
            while lock.withLock({ stalled && !stopped }) { usleep(10_000) }
            let count = read(source, buffer, chunk)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            var offset = 0
            while offset < count {
                while lock.withLock({ stalled && !stopped }) { usleep(10_000) }
                // send, not write: a peer that closed must not SIGPIPE the whole test process.
                let written = send(destination, buffer + offset, count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
            lock.withLock { forwarded += count }
            if let rate = lock.withLock({ bytesPerSecond }) {
                windowBytes += count
                let due = Duration.seconds(Double(windowBytes) / Double(rate))
                let elapsed = ContinuousClock.now - windowStart
                if due > elapsed { Thread.sleep(forTimeInterval: (due - elapsed).timeInterval) }
                if elapsed > .seconds(1) {
                    windowStart = ContinuousClock.now
                    windowBytes = 0
                }
            }
        }
    }
}

/// Closes a proxied pair of sockets once both directions have finished, and never touches the descriptors
/// after that (the numbers may already belong to another test's file).
private final class PairCloser: @unchecked Sendable {
    private let lock = NSLock()
    private let sockets: (Int32, Int32)
    private var remaining = 2
    private var closed = false

    init(_ first: Int32, _ second: Int32) {
        sockets = (first, second)
    }

    /// Wakes both pumps: their reads and writes fail, and they finish.
    func shutdownBoth() {
        lock.withLock {
            guard !closed else { return }
            shutdown(sockets.0, Int32(SHUT_RDWR))
            shutdown(sockets.1, Int32(SHUT_RDWR))
        }
    }

    func finish() {
        lock.withLock {
            guard !closed else { return }
            remaining -= 1
            shutdown(sockets.0, Int32(SHUT_RDWR))
            shutdown(sockets.1, Int32(SHUT_RDWR))
            if remaining == 0 {
                close(sockets.0)
                close(sockets.1)
                closed = true
            }
        }
    }
}

extension Duration {
    fileprivate var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
