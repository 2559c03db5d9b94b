import Crypto
import Foundation
import Logging

extension SFTPConnection {
    /// Downloads `remotePath` into `stagingDirectory`, streaming through `<name>.partial` and renaming it to
    /// `<name>` only after every byte arrived, the size matched and the data was fsynced.
    ///
    /// The SHA-256 is computed while writing, in offset order, on a second thread that reads back what was
    /// written (``HashBehind``). On any failure the `.partial` file is removed
    /// and no file appears under the final name.
    ///
    /// - Parameters:
    ///   - remotePath: File on the server.
    ///   - stagingDirectory: Existing local directory for the `.partial` and final file.
    ///   - fileName: Local name, default the last component of `remotePath`.
    ///   - options: Chunk size, requests in flight and the size limit (default 128 KiB x 16, 2 GiB).
    /// - Returns: Byte count, SHA-256 and the remote size and modification time.
    /// - Throws: ``SFTPError``: `remoteFileMissing`, `fileTooLarge`, `timeout`, `sizeMismatch`, `localIO`,
    ///   `remoteOperationFailed`.
    public func download(
        _ remotePath: String,
        into stagingDirectory: String,
        as fileName: String? = nil,
        options: DownloadOptions = DownloadOptions()
    ) throws -> DownloadResult {
        try download(
            remotePath, into: stagingDirectory, as: fileName, options: options, connectionsPerFile: .one,
            connect: nil)
    }

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

    /// The one download path, for whole files and files split over several connections.
    ///
    /// The file is opened once here. When `connectionsPerFile` splits it (and `connect` is given), this
    /// connection and `count - 1` more, each on its own thread (``StripeWorkers``), claim the file's stripes
    /// from one ``StripeSchedule`` and write them into the same `.partial`; otherwise the whole file is read
    /// here. Either way the SHA-256 is computed while streaming, by ``HashBehind`` on its own thread, and the
    /// kernel's writeback is started as the file fills (``WriteBehind``). On any failure the other
    /// connections stop, the `.partial` is removed and the first error is thrown.
    func download(
        _ remotePath: String,
        into stagingDirectory: String,
        as fileName: String?,
        options: DownloadOptions,
        connectionsPerFile: ConnectionsPerFile,
        connect: (@Sendable () throws -> SFTPConnection)?
    ) throws -> DownloadResult {
        let finalPath = try Self.downloadPath(remotePath, into: stagingDirectory, as: fileName)
        var logger = transferLogger
        logger[metadataKey: "file"] = "\(remotePath)"
        let watchdog = watchdogForTransfer
        let session = sessionForTransfer
        let host = endpoint.host
        let started = ContinuousClock.now

        var partial: PartialFile?
        var hashBehind: HashBehind?
        var split: StripeWorkers?
        var writeBehind: WriteBehind?
        let outcome: (bytes: UInt64, info: RemoteFileInfo, final: RemoteFileInfo)
        let sha256: String
        var fsyncSeconds = 0.0
        do {
            outcome = try guarded("download") {
                try session.readFile(
                    remotePath, options: options,
                    opened: { info in
                        let file = try PartialFile(finalPath: finalPath)
                        partial = file
                        try file.reserve(info.size)
                        let hash = try HashBehind(path: file.partialPath)
                        hashBehind = hash
                        let count = info.isRegular ? connectionsPerFile.connectionCount(forSize: info.size) : 1
                        guard count > 1, let connect else {
                            writeBehind = WriteBehind(start: file.startWriteback)
                            return nil
                        }
                        // The schedule calls this under its lock, in increasing order.
                        var prefixWriteBehind = WriteBehind(start: file.startWriteback)
                        let schedule = StripeSchedule(size: info.size, connections: count) { written in
                            hash.advance(to: written)
                            prefixWriteBehind.wroteEverything(below: written)
                        }
                        split = StripeWorkers.start(
                            remotePath, schedule: schedule, count: count - 1, expected: info, options: options,
                            partial: file, logger: logger, connect: connect)
                        return schedule
                    },
                    progress: watchdog.progress,
                    sink: { chunk, offset in
                        try partial!.write(chunk, at: offset)
                        if let split {
                            if split.failed { throw StripeCancelled() }
                        } else {
                            writeBehind!.wrote(chunk.count, at: offset)
                            hashBehind!.wrote(chunk.count, at: offset)
                        }
                    })
            }
            if let split {
                try split.wait()
                try StripeWorkers.checkUnchanged(outcome.final, expected: outcome.info, host: host, path: remotePath)
                // The file must still be the one opened before the other connections read their stripes.
                guard let after = try guarded("stat", { try session.stat(remotePath) }) else {
                    throw SFTPError.remoteFileMissing(host: host, path: remotePath)
                }
                try StripeWorkers.checkUnchanged(after, expected: outcome.info, host: host, path: remotePath)
            }
            guard let hashBehind else {
                throw SFTPError.localIO(path: finalPath, operation: "hash", message: "no hash was started")
            }
            let size = split == nil ? outcome.bytes : outcome.info.size
            sha256 = try hashBehind.finish(size: size, host: host, remotePath: remotePath)
            let syncStarted = ContinuousClock.now
            try partial?.commit()
            fsyncSeconds = (ContinuousClock.now - syncStarted).seconds
        } catch {
            // Other connections must stop writing before the .partial goes away.
            var first = error
            if let split {
                split.fail(error)
                split.join()
                first = split.firstError ?? error
            }
            hashBehind?.cancel()
            partial?.discard()
            logger.error("SFTP download failed", metadata: ["event": "file.download_failed", "file": "\(remotePath)", "error": "\(first)"])
            throw first
        }
        let bytes = split == nil ? outcome.bytes : outcome.info.size
        let elapsed = (ContinuousClock.now - started).seconds
        let connections = 1 + (split?.fetchingCount ?? 0)
        logger.info(
            "file downloaded",
            metadata: [
                "event": "file.download", "file": "\(remotePath)", "bytes": .stringConvertible(bytes),
                "duration_ms": .stringConvertible(Int((elapsed * 1000).rounded())), "sha256": "\(sha256)",
                "connections": .stringConvertible(connections),
                "fsync_ms": .stringConvertible(Int((fsyncSeconds * 1000).rounded())),
            ])
        return DownloadResult(
            remotePath: remotePath, localPath: finalPath, bytes: bytes, sha256: sha256,
            remoteSize: outcome.info.size, remoteModified: outcome.info.modified, connections: connections)
    }
}
