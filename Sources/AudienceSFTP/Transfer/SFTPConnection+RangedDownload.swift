import Foundation
import Logging

/// How many SFTP connections ``ParallelDownloader`` may use for one file.
///
/// libssh 0.10's receive window is fixed (about 1.28 MB, refilled below 640 KB), so one connection moves at
/// most about 0.6 MB per round trip. Large files are therefore split into byte ranges, each fetched over its
/// own connection, all written into the same `.partial` file.
public struct ConnectionsPerFile: Sendable, Hashable {
    /// Most connections for one file; 1 disables splitting.
    public var maxConnections: Int
    /// Files smaller than this use one connection.
    public var minimumFileSize: UInt64
    /// No range is made smaller than this (so a file gets at most `size / minimumRangeSize` connections).
    public var minimumRangeSize: UInt64

    public init(maxConnections: Int = 4, minimumFileSize: UInt64 = 32 << 20, minimumRangeSize: UInt64 = 16 << 20) {
        self.maxConnections = max(1, maxConnections)
        self.minimumFileSize = minimumFileSize
        self.minimumRangeSize = max(1, minimumRangeSize)
    }

    /// Files of 32 MiB or more use up to 4 connections, each range at least 16 MiB.
    public static let automatic = ConnectionsPerFile()
    /// One connection per file, as before range splitting existed.
    public static let one = ConnectionsPerFile(maxConnections: 1)

    /// Exactly `count` ranges for any file of at least `count` bytes (for tests and benchmarks).
    public static func exactly(_ count: Int) -> ConnectionsPerFile {
        ConnectionsPerFile(maxConnections: count, minimumFileSize: 0, minimumRangeSize: 1)
    }

    /// Number of ranges for a file of `size` bytes.
    public func rangeCount(forSize size: UInt64) -> Int {
        guard maxConnections > 1, size >= minimumFileSize, size >= 2 else { return 1 }
        return Int(min(UInt64(maxConnections), max(1, size / minimumRangeSize)))
    }

    /// `count` contiguous, non-empty ranges covering `0..<size`.
    static func ranges(size: UInt64, count: Int) -> [Range<UInt64>] {
        let n = UInt64(max(1, count))
        return (0..<n).map { i in
            (size / n * i + size % n * i / n)..<(size / n * (i + 1) + size % n * (i + 1) / n)
        }
    }
}

extension SFTPConnection {
    /// Local path for a download of `remotePath`, after checking the local name is a plain file name.
    static func downloadPath(_ remotePath: String, into stagingDirectory: String, as fileName: String?) throws
        -> String
    {
        let name = fileName ?? (remotePath as NSString).lastPathComponent
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else {
            throw SFTPError.localIO(path: name, operation: "download naming", message: "not a plain file name")
        }
        return (stagingDirectory as NSString).appendingPathComponent(name)
    }

    /// Reads one range over this connection into the shared `.partial`, under this connection's watchdog.
    fileprivate func fetch(
        _ remotePath: String, range: Range<UInt64>, expected: RemoteFileInfo, options: DownloadOptions,
        workers: RangeWorkers
    ) throws {
        let watchdog = watchdogForTransfer
        let session = sessionForTransfer
        let host = endpoint.host
        let partial = workers.partial
        var writeBehind = WriteBehind(from: range.lowerBound, start: partial.startWriteback)
        let outcome = try guarded("download") {
            try session.readFile(
                remotePath, range: range, options: options,
                opened: { opened in
                    try RangeWorkers.checkUnchanged(opened, expected: expected, host: host, path: remotePath)
                    return nil
                },
                progress: watchdog.progress,
                sink: { chunk, offset in
                    if workers.failed { throw RangeCancelled() }
                    try partial.write(chunk, at: offset)
                    writeBehind.wrote(chunk.count, at: offset)
                })
        }
        try RangeWorkers.checkUnchanged(outcome.final, expected: expected, host: host, path: remotePath)
    }
}

/// Thrown by a range reader that stops because another range already failed; never reported.
struct RangeCancelled: Error {}

/// The threads fetching ranges 1...n of a split download, each over its own connection, into one `.partial`
/// (written with `pwrite` only, so safe from several threads), and the first failure of any range.
final class RangeWorkers: @unchecked Sendable {
    let partial: PartialFile
    /// Ranges fetched by worker threads (the first range is read by the caller).
    let count: Int
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var error: Error?

    private init(partial: PartialFile, count: Int) {
        self.partial = partial
        self.count = count
    }

    /// Starts one thread per range; each connects with `connect` and reads its range.
    static func start(
        _ remotePath: String, ranges: [Range<UInt64>], expected: RemoteFileInfo, options: DownloadOptions,
        partial: PartialFile, connect: @escaping @Sendable () throws -> SFTPConnection
    ) -> RangeWorkers {
        let workers = RangeWorkers(partial: partial, count: ranges.count)
        for (index, range) in ranges.enumerated() {
            workers.group.enter()
            let thread = Thread {
                defer { workers.group.leave() }
                do {
                    guard !workers.failed else { return }
                    let connection = try connect()
                    defer { connection.close() }
                    try connection.fetch(
                        remotePath, range: range, expected: expected, options: options, workers: workers)
                } catch {
                    workers.fail(error)
                }
            }
            thread.name = "audience-sftp.download.range.\(index + 1)"
            thread.start()
        }
        return workers
    }

    /// Records `error` unless an earlier one was recorded; the other ranges stop at their next reply.
    func fail(_ error: Error) {
        lock.lock()
        if self.error == nil { self.error = error }
        lock.unlock()
    }

    var failed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return error != nil
    }

    var firstError: Error? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }

    /// Waits for every worker thread.
    func join() {
        group.wait()
    }

    /// Waits for every worker thread and throws the first failure.
    func wait() throws {
        join()
        if let firstError { throw firstError }
    }

    /// Throws unless `info` still has the size and modification time of `expected`.
    static func checkUnchanged(_ info: RemoteFileInfo, expected: RemoteFileInfo, host: String, path: String) throws {
        guard info.size == expected.size else {
            throw SFTPError.sizeMismatch(host: host, path: path, expected: expected.size, actual: info.size)
        }
        guard info.modified == expected.modified else {
            throw SFTPError.remoteOperationFailed(
                host: host, path: path, operation: "download",
                message: "the remote file changed during the download (modified \(expected.modified) -> \(info.modified))")
        }
    }
}
