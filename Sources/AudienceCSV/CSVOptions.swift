/// Limits and buffer sizes for a ``CSVReader``.
///
/// The reader never holds more than `chunkSize + maxRecordBytes` bytes of the file in memory,
/// whatever the file size, so these values also bound its memory use.
public struct CSVOptions: Sendable {
    /// Largest field accepted, in bytes as the field appears in the file (surrounding quotes and
    /// doubled quotes included). Default 1 MiB.
    public var maxFieldBytes: Int

    /// Largest record accepted, in bytes from its first byte to its last field's end (the line
    /// terminator is not counted). Default 1 MiB.
    public var maxRecordBytes: Int

    /// Bytes requested from the file per `read(2)` call. Default 1 MiB.
    public var chunkSize: Int

    /// Creates reader options.
    ///
    /// - Parameters:
    ///   - maxFieldBytes: Largest field accepted, in bytes (default 1 MiB). Values below 1 are raised to 1.
    ///   - maxRecordBytes: Largest record accepted, in bytes (default 1 MiB). Values below 1 are raised to 1.
    ///   - chunkSize: Bytes per `read(2)` call (default 1 MiB). Values below 1 are raised to 1.
    public init(maxFieldBytes: Int = 1 << 20, maxRecordBytes: Int = 1 << 20, chunkSize: Int = 1 << 20) {
        // Clamp rather than trap: a zero from a config file should not crash a nightly sync.
        self.maxFieldBytes = max(1, maxFieldBytes)
        self.maxRecordBytes = max(1, maxRecordBytes)
        self.chunkSize = max(1, chunkSize)
    }
}
