import Foundation
import Logging

/// One file for ``ParallelDownloader``.
public struct DownloadRequest: Sendable, Hashable {
    public var remotePath: String
    /// Local name in the staging directory, default the last component of `remotePath`.
    public var fileName: String?

    public init(remotePath: String, fileName: String? = nil) {
        self.remotePath = remotePath
        self.fileName = fileName
    }
}

/// Downloads several files at once, each over its own connection on its own thread.
///
/// libssh sessions are not thread-safe, and one SSH connection is limited by a single cipher stream, so
/// `users.csv` and `user_groups.csv` are fetched over two connections in parallel.
public enum ParallelDownloader {
    /// Downloads every request concurrently and waits for all of them; blocks the calling thread.
    ///
    /// Files of 32 MiB or more are split into byte ranges fetched over up to 4 connections
    /// (``ConnectionsPerFile/automatic``); smaller files use one connection each.
    ///
    /// - Parameters:
    ///   - requests: Files to fetch; one thread and at least one connection each.
    ///   - endpoint: Where to connect.
    ///   - stagingDirectory: Local directory for the `.partial` and final files.
    ///   - options: Per-download tuning and size limit.
    ///   - retryPolicy: Connection retries, default 3 attempts.
    ///   - logger: Logger for every connection.
    /// - Returns: One result per request, in request order.
    public static func download(
        _ requests: [DownloadRequest],
        from endpoint: SFTPEndpoint,
        into stagingDirectory: String,
        options: DownloadOptions = DownloadOptions(),
        retryPolicy: RetryPolicy = .default,
        logger: Logger = SFTPConnection.silentLogger
    ) -> [Result<DownloadResult, SFTPError>] {
        download(
            requests, from: endpoint, into: stagingDirectory, options: options, connectionsPerFile: .automatic,
            retryPolicy: retryPolicy, logger: logger)
    }

    /// Like ``download(_:from:into:options:retryPolicy:logger:)``, with the range splitting chosen by the caller.
    ///
    /// - Parameter connectionsPerFile: How many connections one file may use; ``ConnectionsPerFile/one`` keeps
    ///   one connection per file.
    public static func download(
        _ requests: [DownloadRequest],
        from endpoint: SFTPEndpoint,
        into stagingDirectory: String,
        options: DownloadOptions = DownloadOptions(),
        connectionsPerFile: ConnectionsPerFile,
        retryPolicy: RetryPolicy = .default,
        logger: Logger = SFTPConnection.silentLogger
    ) -> [Result<DownloadResult, SFTPError>] {
        let results = ResultBox(count: requests.count)
        let group = DispatchGroup()
        for (index, request) in requests.enumerated() {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                let result: Result<DownloadResult, SFTPError>
                do {
                    let connection = try SFTPConnection(endpoint: endpoint, retryPolicy: retryPolicy, logger: logger)
                    defer { connection.close() }
                    result = .success(
                        try connection.download(
                            request.remotePath, into: stagingDirectory, as: request.fileName, options: options,
                            connectionsPerFile: connectionsPerFile,
                            connect: {
                                try SFTPConnection(endpoint: endpoint, retryPolicy: retryPolicy, logger: logger)
                            }))
                } catch let error as SFTPError {
                    result = .failure(error)
                } catch {
                    result = .failure(
                        .sessionFailed(host: endpoint.host, operation: "download", message: "\(error)"))
                }
                results.set(index, result)
            }
            thread.name = "audience-sftp.download.\(index)"
            thread.start()
        }
        group.wait()
        return results.values
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<DownloadResult, SFTPError>?]

    init(count: Int) {
        storage = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ result: Result<DownloadResult, SFTPError>) {
        lock.lock()
        storage[index] = result
        lock.unlock()
    }

    var values: [Result<DownloadResult, SFTPError>] {
        lock.lock()
        defer { lock.unlock() }
        return storage.map { $0! }
    }
}
