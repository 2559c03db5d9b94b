import Foundation
import Logging

extension SFTPConnection {
    /// Reads the stripes this connection claims from `schedule` into the shared `.partial`, under this
    /// connection's watchdog.
    fileprivate func fetch(
        _ remotePath: String, schedule: StripeSchedule, expected: RemoteFileInfo, options: DownloadOptions,
        workers: StripeWorkers
    ) throws {
        let watchdog = watchdogForTransfer
        let session = sessionForTransfer
        let host = endpoint.host
        let partial = workers.partial
        let outcome = try guarded("download") {
            try session.readFile(
                remotePath, options: options,
                opened: { opened in
                    try StripeWorkers.checkUnchanged(opened, expected: expected, host: host, path: remotePath)
                    return schedule
                },
                progress: watchdog.progress,
                sink: { chunk, offset in
                    if workers.failed { throw StripeCancelled() }
                    try partial.write(chunk, at: offset)
                })
        }
        try StripeWorkers.checkUnchanged(outcome.final, expected: expected, host: host, path: remotePath)
    }
}

/// Thrown by a stripe reader that stops because another connection already failed; never reported.
struct StripeCancelled: Error {}

/// The extra connections of a split download, each on its own thread claiming stripes from the same
/// ``StripeSchedule`` as the caller's connection, all writing into one `.partial` (with `pwrite` only, so
/// safe from several threads), and the first failure of any of them.
///
/// An extra connection that cannot be opened is not a failure: it has claimed nothing, so the others
/// fetch every stripe. A connection that fails after it has claimed stripes fails the download.
final class StripeWorkers: @unchecked Sendable {
    let partial: PartialFile
    /// Extra connections (the caller's connection is not counted).
    let count: Int
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var error: Error?
    private var fetching = 0

    private init(partial: PartialFile, count: Int) {
        self.partial = partial
        self.count = count
    }

    /// Starts `count` threads; each connects with `connect` and claims stripes until none are left.
    static func start(
        _ remotePath: String, schedule: StripeSchedule, count: Int, expected: RemoteFileInfo,
        options: DownloadOptions, partial: PartialFile, logger: Logger,
        connect: @escaping @Sendable () throws -> SFTPConnection
    ) -> StripeWorkers {
        let workers = StripeWorkers(partial: partial, count: count)
        for index in 0..<count {
            workers.group.enter()
            let thread = Thread {
                defer { workers.group.leave() }
                guard !workers.failed else { return }
                let connection: SFTPConnection
                do {
                    connection = try connect()
                } catch {
                    logger.warning(
                        "extra download connection failed; the other connections fetch its share",
                        metadata: [
                            "event": "file.connection_failed", "file": "\(remotePath)", "error": "\(error)",
                        ])
                    return
                }
                defer { connection.close() }
                // The other connections may have claimed every stripe while this one was logging in.
                guard !schedule.allClaimed else { return }
                workers.startedFetching()
                do {
                    try connection.fetch(
                        remotePath, schedule: schedule, expected: expected, options: options, workers: workers)
                } catch {
                    workers.fail(error)
                }
            }
            thread.name = "audience-sftp.download.stripes.\(index + 1)"
            thread.start()
        }
        return workers
    }

    private func startedFetching() {
        lock.lock()
        fetching += 1
        lock.unlock()
    }

    /// Extra connections that logged in and went on to fetch stripes.
    var fetchingCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return fetching
    }

    /// Records `error` unless an earlier one was recorded; the other connections stop at their next reply.
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
