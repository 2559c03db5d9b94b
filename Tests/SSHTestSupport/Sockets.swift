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
    /// - Throws: ``Shell/Failure`` when the socket cannot listen.
    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = Sockets.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0, listen(fd, 8) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard rc == 0 else { throw Shell.Failure(command: "listen", status: errno, output: "") }
        port = Int(UInt16(bigEndian: address.sin_port))
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
    /// A port on 127.0.0.1 that was free a moment ago.
    ///
    /// - Throws: ``Shell/Failure`` when binding fails.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw Shell.Failure(command: "bind", status: errno, output: "") }
        return Int(UInt16(bigEndian: address.sin_port))
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
