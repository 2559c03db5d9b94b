/// Starts the kernel's writeback of a `.partial` file while the download is still running.
///
/// Without it every byte stays dirty in the page cache until the final `fsync`, which then writes the whole
/// file at once (1.2-1.6 s per GB on our disks) after the network has gone idle. Asking for writeback of each
/// completed window (`sync_file_range(SYNC_FILE_RANGE_WRITE)`, which does not wait for the disk) overlaps the
/// disk with the transfer, so the `fsync` before the rename only has the last window left. Durability still
/// comes from that `fsync` alone: this is a hint, and a failed hint is ignored.
struct WriteBehind {
    /// Bytes between writeback requests: large enough to keep the syscalls rare (128 per GiB), small enough
    /// that the disk starts early.
    static let defaultWindow: UInt64 = 8 << 20

    private let window: UInt64
    private let start: (Range<UInt64>) -> Void
    /// Everything below this offset has been handed to writeback.
    private var handedOver: UInt64
    /// Highest end offset written so far.
    private var reached: UInt64

    /// - Parameters:
    ///   - offset: Where this writer starts (0, or the start of its byte range).
    ///   - window: Bytes between writeback requests.
    ///   - start: Starts writeback of a range of the file (``PartialFile/startWriteback(_:)``).
    init(from offset: UInt64 = 0, window: UInt64 = defaultWindow, start: @escaping (Range<UInt64>) -> Void) {
        self.window = max(1, window)
        self.start = start
        handedOver = offset
        reached = offset
    }

    /// Records a write of `count` bytes at `offset`; once a window's worth lies beyond what was handed over,
    /// starts writeback of all of it.
    ///
    /// Chunks may arrive out of offset order after short replies: a page still missing when its window is
    /// handed over is simply left to the final `fsync`.
    mutating func wrote(_ count: Int, at offset: UInt64) {
        wroteEverything(below: offset + UInt64(count))
    }

    /// Records that everything below `offset` has been written (a split download's gap-free prefix).
    mutating func wroteEverything(below offset: UInt64) {
        reached = max(reached, offset)
        if reached - handedOver >= window {
            start(handedOver..<reached)
            handedOver = reached
        }
    }
}
