import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP server on 127.0.0.1 that sends an SSH identification line and closes the connection at once, as an
/// overloaded sshd (MaxStartups) or a broken middlebox does. Call ``stop()`` when done (the accepting thread
/// keeps the server alive until then).
public final class BannerThenCloseServer: @unchecked Sendable {
    public let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var accepted = 0
    private var stopped = false

    /// Listens on a free port; every connection gets `banner` and is closed.
    ///
    /// - Throws: ``Sockets/ListenFailure`` when the socket cannot listen.
    public init(banner: String = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n") throws {
        let (fd, port) = try Sockets.listenOnLoopback(backlog: 16)
        listener = fd
        self.port = port
        let bytes = Array(banner.utf8)
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    // Closed here, not in stop(), so accept never runs on a reused descriptor number.
                    close(fd)
                    return
                }
                _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
                lock.withLock { accepted += 1 }
            }
        }
    }

    /// Stops accepting (the listener is closed by the accepting thread).
    public func stop() {
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
        }
    }

    /// Connections served so far.
    public var connections: Int { lock.withLock { accepted } }
}
