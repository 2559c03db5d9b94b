import Crypto
import Foundation
import Logging

extension SFTPConnection {
    /// Downloads `remotePath` into `stagingDirectory`, streaming through `<name>.partial` and renaming it to
    /// `<name>` only after every byte arrived, the size matched and the data was fsynced.
    ///
    /// The SHA-256 is computed while writing, in offset order. On any failure the `.partial` file is removed
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
        let name = fileName ?? (remotePath as NSString).lastPathComponent
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else {
            throw SFTPError.localIO(path: name, operation: "download naming", message: "not a plain file name")
        }
        let finalPath = (stagingDirectory as NSString).appendingPathComponent(name)
        var logger = transferLogger
        logger[metadataKey: "file"] = "\(remotePath)"
        let watchdog = watchdogForTransfer
        let session = sessionForTransfer
        let started = ContinuousClock.now

        var partial: PartialFile?
        var digest = OrderedSHA256()
        let outcome: (bytes: UInt64, info: RemoteFileInfo)
        do {
            outcome = try guarded("download") {
                try session.read(
                    remotePath, options: options,
                    opened: { _ in partial = try PartialFile(finalPath: finalPath) },
                    progress: watchdog.progress,
                    sink: { chunk, offset in
                        try partial!.write(chunk, at: offset)
                        digest.add(chunk, at: offset)
                    })
            }
            guard digest.isComplete(upTo: outcome.bytes) else {
                throw SFTPError.sizeMismatch(
                    host: endpoint.host, path: remotePath, expected: outcome.bytes, actual: digest.contiguousBytes)
            }
            try partial?.commit()
        } catch {
            partial?.discard()
            logger.error("SFTP download failed", metadata: ["sftp.error": "\(error)"])
            throw error
        }
        let sha256 = digest.finalize()
        let elapsed = (ContinuousClock.now - started).seconds
        logger.info(
            "SFTP downloaded",
            metadata: [
                "bytes": "\(outcome.bytes)", "sftp.seconds": "\(String(format: "%.3f", elapsed))",
                "sha256": "\(sha256)",
            ])
        return DownloadResult(
            remotePath: remotePath, localPath: finalPath, bytes: outcome.bytes, sha256: sha256,
            remoteSize: outcome.info.size, remoteModified: outcome.info.modified)
    }
}
