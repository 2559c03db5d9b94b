import Foundation

/// Hands out the bytes of one file, in stripes, to the connections of a split download, and reports how far
/// the file is written without gaps.
///
/// Every connection claims the next unclaimed stripe whenever its pipeline has room, so the connections
/// work side by side through the file from its start: a faster connection simply claims more stripes, and
/// the gap-free prefix grows steadily while the download runs. That prefix is what ``HashBehind`` hashes
/// and what write-behind hands to the disk, so a split download is hashed while it streams, not afterwards.
///
/// Stripes are aligned: stripe `k` is `k * stripeSize ..< min((k + 1) * stripeSize, size)`, so the stripe of
/// any offset is known without a lookup, and a read request is never allowed to cross a stripe boundary.
/// Thread-safe.
final class StripeSchedule: @unchecked Sendable {
    /// Default stripe: 4 MiB, two pipelines' worth at 128 KiB x 16 requests in flight.
    static let defaultStripeSize: UInt64 = 4 << 20

    /// Bytes in the file.
    let size: UInt64
    /// Bytes per stripe (the last stripe may be shorter).
    let stripeSize: UInt64

    private let lock = NSLock()
    private let advanced: (UInt64) -> Void
    private var nextStart: UInt64 = 0
    /// Finished stripes above the watermark: start -> end.
    private var finishedAhead: [UInt64: UInt64] = [:]
    private var watermark: UInt64 = 0

    /// - Parameters:
    ///   - size: Bytes in the file.
    ///   - connections: Connections that will share it: stripes are made small enough that each can get one.
    ///   - stripeSize: Largest stripe.
    ///   - advanced: Called with the new gap-free prefix length each time it grows, in increasing order, while
    ///     the schedule's lock is held (keep it short; it must not call back into the schedule).
    init(
        size: UInt64, connections: Int, stripeSize: UInt64 = defaultStripeSize,
        advanced: @escaping (UInt64) -> Void
    ) {
        self.size = size
        let perConnection = (size + UInt64(max(1, connections)) - 1) / UInt64(max(1, connections))
        self.stripeSize = max(1, min(stripeSize, perConnection))
        self.advanced = advanced
    }

    /// The next unclaimed stripe, or nil when every stripe has been claimed.
    func claim() -> Range<UInt64>? {
        lock.lock()
        defer { lock.unlock() }
        guard nextStart < size else { return nil }
        let stripe = nextStart..<min(nextStart + stripeSize, size)
        nextStart = stripe.upperBound
        return stripe
    }

    /// Whether every stripe has been claimed (a connection that opens late has nothing left to do).
    var allClaimed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return nextStart >= size
    }

    /// The stripe that holds `offset`.
    func stripe(containing offset: UInt64) -> Range<UInt64> {
        let start = offset / stripeSize * stripeSize
        return start..<min(start + stripeSize, size)
    }

    /// Records that every byte of `stripe` (a claimed stripe) has been written.
    func finished(_ stripe: Range<UInt64>) {
        lock.lock()
        defer { lock.unlock() }
        finishedAhead[stripe.lowerBound] = stripe.upperBound
        let before = watermark
        while let end = finishedAhead.removeValue(forKey: watermark) {
            watermark = end
        }
        if watermark > before {
            advanced(watermark)
        }
    }

    /// Bytes written without gaps from offset 0.
    var contiguousBytes: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return watermark
    }
}
