import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opens the TCP connection ourselves (rather than inside `ssh_connect`) so the watchdog has the socket from the
/// first byte of the handshake and refused/reset connections are classified by errno, not by message text.
enum TCPConnector {
    /// Returns a connected, blocking socket with TCP_NODELAY set.
    ///
    /// - Throws: ``SFTPError/unreachable(host:port:attempts:message:)`` (transient) or
    ///   ``SFTPError/timeout(host:operation:seconds:)``.
    static func open(host: String, port: Int, timeout: Duration, deadline: ContinuousClock.Instant?) throws
        -> Int32
    {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            let reason = String(cString: gai_strerror(rc))
            throw SFTPError.unreachable(host: host, port: port, attempts: 1, message: reason)
        }
        defer { freeaddrinfo(list) }

        var effective = timeout
        if let deadline {
            effective = min(effective, max(.zero, deadline - .now))
        }
        let limit = ContinuousClock.now + effective
        var lastError = "no usable address"
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            cursor = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd < 0 {
                lastError = String(cString: strerror(errno))
                continue
            }
            // Children spawned by the host process must not inherit the connection.
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var result = connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen)
            if result != 0 && errno == EINPROGRESS {
                let remaining = max(.zero, limit - .now)
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let ms = Int32(min(remaining.seconds * 1000, Double(Int32.max)))
                let ready = poll(&pfd, 1, ms)
                if ready == 0 {
                    close(fd)
                    throw SFTPError.timeout(host: host, operation: "connect", seconds: effective.seconds)
                }
                var soError: Int32 = 0
                var len = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
                result = soError == 0 ? 0 : -1
                if soError != 0 { errno = soError }
            }
            if result != 0 {
                lastError = String(cString: strerror(errno))
                close(fd)
                continue
            }
            _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return fd
        }
        throw SFTPError.unreachable(host: host, port: port, attempts: 1, message: lastError)
    }

    /// Closes a socket that was never handed to libssh.
    static func closeSocket(_ fd: Int32) {
        close(fd)
    }

    /// The inode of an open descriptor, nil when the descriptor is not open.
    static func inode(of fd: Int32) -> UInt64? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }
}
