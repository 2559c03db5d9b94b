import Foundation

/// The outcome of a completed download: the file now exists under `localPath`, fsynced.
public struct DownloadResult: Sendable, Hashable {
    public var remotePath: String
    public var localPath: String
    public var bytes: UInt64
    /// Lowercase hex SHA-256 of the bytes written.
    public var sha256: String
    public var remoteSize: UInt64
    public var remoteModified: Date
    /// SFTP connections that fetched part of the file (more than 1 when it was split).
    public var connections: Int

    public init(
        remotePath: String, localPath: String, bytes: UInt64, sha256: String, remoteSize: UInt64,
        remoteModified: Date, connections: Int = 1
    ) {
        self.remotePath = remotePath
        self.localPath = localPath
        self.bytes = bytes
        self.sha256 = sha256
        self.remoteSize = remoteSize
        self.remoteModified = remoteModified
        self.connections = connections
    }
}
