/// How many SFTP connections ``ParallelDownloader`` may use for one file.
///
/// Two limits make one connection too few for a large file. On a WAN, libssh 0.10's receive window is fixed
/// (about 1.28 MB, refilled below 640 KB), so one connection moves at most about 0.6 MB per round trip. On
/// loopback or a LAN, one connection is limited by the one thread that runs it: libssh reads the socket
/// 4 KiB per `poll` + `recv`, decrypts and copies every byte several times. A split file's connections share
/// its stripes (``StripeSchedule``), all writing into the same `.partial`.
public struct ConnectionsPerFile: Sendable, Hashable {
    /// Most connections for one file; 1 disables splitting.
    public var maxConnections: Int
    /// Files smaller than this use one connection.
    public var minimumFileSize: UInt64
    /// Bytes per connection at least (so a file gets at most `size / minimumShare` connections).
    public var minimumShare: UInt64

    public init(maxConnections: Int = 4, minimumFileSize: UInt64 = 32 << 20, minimumShare: UInt64 = 16 << 20) {
        self.maxConnections = max(1, maxConnections)
        self.minimumFileSize = minimumFileSize
        self.minimumShare = max(1, minimumShare)
    }

    /// Files of 32 MiB or more use up to 4 connections, at least 16 MiB each (for slow links).
    public static let automatic = ConnectionsPerFile()
    /// Files of 64 MiB or more use 2 connections (for fast links, where the client's CPU is the limit).
    public static let two = ConnectionsPerFile(maxConnections: 2, minimumFileSize: 64 << 20, minimumShare: 32 << 20)
    /// One connection per file.
    public static let one = ConnectionsPerFile(maxConnections: 1)

    /// Exactly `count` connections for any file of at least `count` bytes (for tests and benchmarks).
    public static func exactly(_ count: Int) -> ConnectionsPerFile {
        ConnectionsPerFile(maxConnections: count, minimumFileSize: 0, minimumShare: 1)
    }

    /// Number of connections for a file of `size` bytes.
    public func connectionCount(forSize size: UInt64) -> Int {
        guard maxConnections > 1, size >= minimumFileSize, size >= 2 else { return 1 }
        return Int(min(UInt64(maxConnections), max(1, size / minimumShare)))
    }
}
