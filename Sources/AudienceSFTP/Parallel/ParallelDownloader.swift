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
    /// Files of 32 MiB or more are split over up to 4 connections (``ConnectionsPerFile/automatic``);
    /// smaller files use one connection each.
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
    /// - Parameters:
    ///   - connectionsPerFile: How many connections one file may use; ``ConnectionsPerFile/one`` keeps one
    ///     connection per file.
    ///   - firstConnection: An open connection to `endpoint` (typically the readiness check's) that fetches the
    ///     first request on the calling thread, while the others get their own connections and threads. Saves
    ///     one connection setup (key exchange and login: ~0.7 s at 50 ms round trip). It stays open; a failed
    ///     download may leave it unusable.
    public static func download(
        _ requests: [DownloadRequest],
        from endpoint: SFTPEndpoint,
        into stagingDirectory: String,
        options: DownloadOptions = DownloadOptions(),
        connectionsPerFile: ConnectionsPerFile,
        over firstConnection: SFTPConnection? = nil,
        retryPolicy: RetryPolicy = .default,
        logger: Logger = SFTPConnection.silentLogger
    ) -> [Result<DownloadResult, SFTPError>] {
        let results = ResultBox(count: requests.count)
        let group = DispatchGroup()
        let connect: @Sendable () throws -> SFTPConnection = {
            try SFTPConnection(endpoint: endpoint, retryPolicy: retryPolicy, logger: logger)
        }
        // A split file's extra connections are an optimisation: one attempt each, so a server that allows
        // fewer sessions does not make the download wait out the retries of connections it does not need.
        let connectExtra: @Sendable () throws -> SFTPConnection = {
            try SFTPConnection(endpoint: endpoint, retryPolicy: .none, logger: logger)
        }
        @Sendable func fetch(_ request: DownloadRequest, over connection: SFTPConnection) -> Result<DownloadResult, SFTPError> {
            do {
                return .success(
                    try connection.download(
                        request.remotePath, into: stagingDirectory, as: request.fileName, options: options,
                        connectionsPerFile: connectionsPerFile, connect: connectExtra))
            } catch let error as SFTPError {
                return .failure(error)
            } catch {
                return .failure(.sessionFailed(host: endpoint.host, operation: "download", message: "\(error)"))
            }
        }
        for (index, request) in requests.enumerated() where index > 0 || firstConnection == nil {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                let result: Result<DownloadResult, SFTPError>
                do {
                    let connection = try connect()
                    defer { connection.close() }
                    result = fetch(request, over: connection)
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
        if let firstConnection, let request = requests.first {
            results.set(0, fetch(request, over: firstConnection))
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
