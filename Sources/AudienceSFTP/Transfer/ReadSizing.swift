/// How large the read requests of one download are and how many are kept in flight.
///
/// Starts from ``DownloadOptions`` and adapts once to a server that answers reads with fewer bytes than
/// asked for (OpenSSH's limit is 261,120 bytes; other servers cap lower): from the first such reply on,
/// requests ask for the server's limit, and more of them are kept in flight so that the bytes in flight,
/// which decide the throughput on a long link, stay what the options asked for.
struct ReadSizing: Equatable {
    /// Most requests kept in flight after adapting.
    static let maxRequestsInFlight = 256

    /// Bytes asked for per request.
    private(set) var chunk: UInt64
    /// Requests kept in flight.
    private(set) var requestsInFlight: Int
    private let bytesInFlight: UInt64
    private var adapted = false

    init(_ options: DownloadOptions) {
        chunk = UInt64(options.chunkSize)
        requestsInFlight = options.requestsInFlight
        bytesInFlight = UInt64(options.chunkSize) * UInt64(options.requestsInFlight)
    }

    /// Refill the pipeline once this many requests are missing, several per SSH packet.
    var refillBatch: Int { max(1, requestsInFlight / 4) }

    /// Takes note of a reply of `received` bytes to a request for `requested` bytes that did not reach the
    /// end of the file (or of its stripe): a full-size request answered short reveals the server's limit.
    mutating func observe(requested: UInt64, received: UInt64) {
        guard !adapted, requested == chunk, received < requested, received > 0 else { return }
        adapted = true
        chunk = max(min(chunk, 4096), received)
        requestsInFlight = min(
            Self.maxRequestsInFlight, max(requestsInFlight, Int((bytesInFlight + chunk - 1) / chunk)))
    }

    /// `length` bytes starting at `offset` as requests of at most ``chunk`` bytes each.
    func pieces(from offset: UInt64, length: UInt64) -> [(offset: UInt64, length: UInt32)] {
        stride(from: offset, to: offset + length, by: Int(chunk)).map { start in
            (start, UInt32(min(chunk, offset + length - start)))
        }
    }
}
