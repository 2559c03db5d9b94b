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

    public init(
        remotePath: String, localPath: String, bytes: UInt64, sha256: String, remoteSize: UInt64,
        remoteModified: Date
    ) {
        self.remotePath = remotePath
        self.localPath = localPath
        self.bytes = bytes
        self.sha256 = sha256
        self.remoteSize = remoteSize
        self.remoteModified = remoteModified
    }
}
