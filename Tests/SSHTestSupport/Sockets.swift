import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP listener on 127.0.0.1 that completes the handshake (via the kernel backlog) and never says anything.
public final class SilentTCPServer: @unchecked Sendable {
    public let port: Int
    private let fd: Int32

    /// Binds a free port and listens; closed in `deinit`.
    ///
    /// - Throws: ``Sockets/ListenFailure`` when the socket cannot listen.
    public init() throws {
        (fd, port) = try Sockets.listenOnLoopback(backlog: 8)
    }

    deinit {
        close(fd)
    }
}

/// A port on 127.0.0.1 with nothing listening (bound once to pick it, then released).
public func closedPort() throws -> Int {
    try Sockets.freePort()
}

/// Loopback socket helpers.
public enum Sockets {
    /// A loopback listener that could not be set up: which call failed, and why.
    public struct ListenFailure: Error, CustomStringConvertible {
        /// The failing call: `socket`, `bind`, `listen` or `getsockname`.
        public var call: String
        public var errno: Int32
        public var description: String {
            "listening on 127.0.0.1 failed in \(call)(): \(String(cString: strerror(errno))) (errno \(errno))"
        }
    }

    /// Opens a TCP socket listening on 127.0.0.1 on a port the kernel picks.
    ///
    /// The listeners the tests start (silent, banner-then-close, proxy) differ only in what they do after this.
    ///
    /// - Parameter backlog: Connections the kernel completes before anyone accepts them.
    /// - Returns: The listening descriptor, which the caller closes, and its port.
    /// - Throws: ``ListenFailure`` naming the call that failed; no descriptor is left open then.
    public static func listenOnLoopback(backlog: Int32 = 16) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ListenFailure(call: "socket", errno: errno) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let failed = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> String? in
                if bind(fd, pointer, length) != 0 { return "bind" }
                if listen(fd, backlog) != 0 { return "listen" }
                if getsockname(fd, pointer, &length) != 0 { return "getsockname" }
                return nil
            }
        }
        if let failed {
            // Read errno before close() can overwrite it.
            let failure = ListenFailure(call: failed, errno: errno)
            close(fd)
            throw failure
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A port on 127.0.0.1 that was free a moment ago.
    ///
    /// - Throws: ``ListenFailure`` when no socket can be bound.
    public static func freePort() throws -> Int {
        let (fd, port) = try listenOnLoopback(backlog: 1)
        close(fd)
        return port
    }

    /// True when a TCP connection to 127.0.0.1:`port` succeeds.
    public static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Polls until 127.0.0.1:`port` accepts connections, `alive` turns false, or 10 seconds pass.
    public static func waitUntilListening(port: Int, while alive: () -> Bool) -> Bool {
        let limit = Date().addingTimeInterval(10)
        while Date() < limit {
            guard alive() else { return false }
            if canConnect(port: port) { return true }
            usleep(20_000)
        }
        return false
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }
}
