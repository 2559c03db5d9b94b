/// Tuning and limits for one download.
public struct DownloadOptions: Sendable, Hashable {
    /// Bytes per SFTP read request, default 64 KiB (OpenSSH answers at most 261,120 bytes per read).
    public var chunkSize: Int
    /// Read requests kept in flight, default 32.
    public var requestsInFlight: Int
    /// Largest file accepted, default 2 GiB; checked before and during the transfer.
    public var maxBytes: UInt64

    public init(chunkSize: Int = 64 * 1024, requestsInFlight: Int = 32, maxBytes: UInt64 = 2 << 30) {
        self.chunkSize = max(1024, min(chunkSize, 1 << 20))
        self.requestsInFlight = max(1, requestsInFlight)
        self.maxBytes = maxBytes
    }
}
