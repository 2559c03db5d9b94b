import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SHA-256 of a `.partial` file, computed on its own thread by reading back what the download has already
/// written.
///
/// On loopback the download threads are the bottleneck (their CPU, not the network), and hashing on a
/// download thread was its largest single cost: 31% of its CPU samples for a 1 GiB file (`perf`, SHA-NI).
/// Here the download only reports how far the file is written without gaps: one download thread through
/// ``wrote(_:at:)``, the connections of a split download through ``advance(to:)`` (fed by
/// ``StripeSchedule``). The hash thread reads the bytes back from the page cache in 1 MiB blocks, strictly
/// below that watermark, and hashes them in offset order. So the digest is of the bytes in the file itself,
/// from offset 0 to the verified size.
final class HashBehind: @unchecked Sendable {
    /// Bytes between publications of the watermark to the hash thread.
    private static let step: UInt64 = 1 << 20

    private let path: String
    private let readFD: Int32
    private let condition = NSCondition()
    private let done = DispatchSemaphore(value: 0)
    // Shared with the hash thread, guarded by `condition`.
    private var published: UInt64 = 0
    private var finalSize: UInt64?
    private var cancelled = false
    private var outcome: Result<(digest: String, bytes: UInt64), SFTPError>?
    // Download thread only.
    private var contiguous: UInt64 = 0
    private var ahead: [UInt64: UInt64] = [:]
    private var joined = false

    /// Bytes written contiguously from offset 0 so far (download thread).
    var contiguousBytes: UInt64 { contiguous }

    /// Opens `path` for reading and starts the hash thread.
    init(path: String) throws {
        self.path = path
        readFD = open(path, O_RDONLY | O_CLOEXEC)
        guard readFD >= 0 else {
            throw SFTPError.localIO(
                path: path, operation: "open for hashing", message: String(cString: strerror(errno)))
        }
        let thread = Thread { [self] in
            let result = hashLoop()
            condition.lock()
            outcome = result
            condition.unlock()
            done.signal()
        }
        thread.name = "audience-sftp.sha256"
        thread.start()
    }

    deinit {
        close(readFD)
    }

    /// Records that `count` bytes were written at `offset` (download thread, after the write returned).
    ///
    /// Chunks after a short reply arrive out of order; they are kept aside until the gap before them closes.
    func wrote(_ count: Int, at offset: UInt64) {
        let end = offset + UInt64(count)
        guard offset == contiguous else {
            ahead[offset] = end
            return
        }
        contiguous = end
        while let next = ahead.removeValue(forKey: contiguous) {
            contiguous = next
        }
        if contiguous - published >= Self.step {
            publish(final: false)
        }
    }

    /// Records that the first `watermark` bytes are written without gaps (any thread; for split downloads,
    /// which do not call ``wrote(_:at:)``). A lower watermark than before changes nothing.
    func advance(to watermark: UInt64) {
        condition.lock()
        if watermark > published {
            published = watermark
            condition.signal()
        }
        condition.unlock()
    }

    /// Waits for the hash of the first `size` bytes; throws `sizeMismatch` unless exactly `size` bytes were
    /// written without gaps, and `localIO` if reading back failed. Called by the thread that called
    /// ``wrote(_:at:)``, if any.
    func finish(size: UInt64, host: String, remotePath: String) throws -> String {
        condition.lock()
        let written = max(contiguous, published)
        condition.unlock()
        guard ahead.isEmpty, written == size else {
            cancel()
            throw SFTPError.sizeMismatch(host: host, path: remotePath, expected: size, actual: written)
        }
        publish(final: true)
        join()
        condition.lock()
        let result = outcome
        condition.unlock()
        switch result {
        case .success(let hashed)? where hashed.bytes == size:
            return hashed.digest
        case .success(let hashed)?:
            throw SFTPError.sizeMismatch(host: host, path: remotePath, expected: size, actual: hashed.bytes)
        case .failure(let error)?:
            throw error
        case nil:
            throw SFTPError.localIO(path: path, operation: "hash", message: "the hash thread stopped early")
        }
    }

    /// Stops the hash thread and waits for it; safe to call more than once.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.signal()
        condition.unlock()
        join()
    }

    private func join() {
        guard !joined else { return }
        joined = true
        done.wait()
    }

    private func publish(final: Bool) {
        condition.lock()
        published = max(published, contiguous)
        if final { finalSize = published }
        condition.signal()
        condition.unlock()
    }

    /// The hash thread: hashes everything below the published watermark, then waits for more, until the
    /// final size is hashed or the download is cancelled.
    private func hashLoop() -> Result<(digest: String, bytes: UInt64), SFTPError> {
        let blockSize = Int(Self.step)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 64)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        var hashed: UInt64 = 0
        while true {
            condition.lock()
            while !cancelled && published <= hashed && finalSize == nil {
                condition.wait()
            }
            let limit = published
            let end = finalSize
            let stop = cancelled
            condition.unlock()
            if stop {
                return .failure(.localIO(path: path, operation: "hash", message: "cancelled"))
            }
            if hashed >= limit, let end, hashed >= end { break }
            #if AUDIENCE_SYNC_BENCHMARK_WITHOUT_SHA256
                // Only in the benchmark's comparison build (Benchmarks/fetch/run.sh --hash-cost): the thread
                // follows the watermark but neither reads nor hashes, so the difference is what SHA-256 costs.
                hashed = limit
            #endif
            while hashed < limit {
                let want = Int(min(UInt64(blockSize), limit - hashed))
                let n = pread(readFD, buffer.baseAddress!, want, off_t(hashed))
                if n < 0 {
                    if errno == EINTR { continue }
                    return .failure(
                        .localIO(path: path, operation: "read for hashing", message: String(cString: strerror(errno))))
                }
                if n == 0 {
                    return .failure(
                        .localIO(path: path, operation: "read for hashing", message: "end of file at \(hashed) bytes"))
                }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                hashed += UInt64(n)
            }
        }
        let digest = hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return .success((digest, hashed))
    }
}
