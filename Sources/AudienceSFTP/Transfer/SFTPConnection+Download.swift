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
    ///   - options: Chunk size, requests in flight and the size limit (default 64 KiB x 32, 2 GiB).
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

    /// The one download path, for whole files and files split into byte ranges.
    ///
    /// The file is opened once here. When `connectionsPerFile` splits it (and `connect` is given), the first
    /// range is read over this connection on the handle already open, while every other range is read by its
    /// own thread over its own connection from `connect`, all into the same `.partial`; the SHA-256 is then
    /// computed by reading the finished `.partial` back. Otherwise the whole file is read here and hashed while
    /// streaming, by ``HashBehind`` on its own thread. On any failure the other ranges stop, the `.partial` is removed and the first error is thrown.
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
        var split: RangeWorkers?
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
                        writeBehind = WriteBehind(start: file.startWriteback)
                        let count = info.isRegular ? connectionsPerFile.rangeCount(forSize: info.size) : 1
                        guard count > 1, let connect else {
                            hashBehind = try HashBehind(path: file.partialPath)
                            return nil
                        }
                        let ranges = ConnectionsPerFile.ranges(size: info.size, count: count)
                        split = RangeWorkers.start(
                            remotePath, ranges: Array(ranges.dropFirst()), expected: info, options: options,
                            partial: file, connect: connect)
                        return ranges[0]
                    },
                    progress: watchdog.progress,
                    sink: { chunk, offset in
                        try partial!.write(chunk, at: offset)
                        writeBehind!.wrote(chunk.count, at: offset)
                        if let split {
                            if split.failed { throw RangeCancelled() }
                        } else {
                            hashBehind!.wrote(chunk.count, at: offset)
                        }
                    })
            }
            if let split {
                try split.wait()
                try RangeWorkers.checkUnchanged(outcome.final, expected: outcome.info, host: host, path: remotePath)
                // The file must still be the one opened before the ranges were fetched.
                guard let after = try guarded("stat", { try session.stat(remotePath) }) else {
                    throw SFTPError.remoteFileMissing(host: host, path: remotePath)
                }
                try RangeWorkers.checkUnchanged(after, expected: outcome.info, host: host, path: remotePath)
                sha256 = try partial!.sha256(expectedBytes: outcome.info.size)
            } else {
                guard let hashBehind else {
                    throw SFTPError.localIO(path: finalPath, operation: "hash", message: "no hash was started")
                }
                sha256 = try hashBehind.finish(size: outcome.bytes, host: host, remotePath: remotePath)
            }
            let syncStarted = ContinuousClock.now
            try partial?.commit()
            fsyncSeconds = (ContinuousClock.now - syncStarted).seconds
        } catch {
            // Other ranges must stop writing before the .partial goes away.
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
        logger.info(
            "file downloaded",
            metadata: [
                "event": "file.download", "file": "\(remotePath)", "bytes": .stringConvertible(bytes),
                "duration_ms": .stringConvertible(Int((elapsed * 1000).rounded())), "sha256": "\(sha256)",
                "ranges": .stringConvertible(split.map { $0.count + 1 } ?? 1),
                "fsync_ms": .stringConvertible(Int((fsyncSeconds * 1000).rounded())),
            ])
        return DownloadResult(
            remotePath: remotePath, localPath: finalPath, bytes: bytes, sha256: sha256,
            remoteSize: outcome.info.size, remoteModified: outcome.info.modified)
    }
}
