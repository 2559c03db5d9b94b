import CLibSSH
import Foundation

/// The pipelined SFTP read loop shared by whole-file downloads and byte-range downloads.
extension LibSSHSession {
    /// Reads `path` (all of it, or only `range`) with many read requests in flight and hands every byte to
    /// `sink` with its file offset.
    ///
    /// Two libssh 0.10 traps shape this loop. Its offset bookkeeping for `sftp_async_read_begin` goes wrong when
    /// a reply is shorter than requested (OpenSSH answers at most 261,120 bytes per read), so every request is
    /// positioned with `sftp_seek64` and the final size is checked against `sftp_fstat`. And `sftp_async_read`
    /// always reads a new packet before looking at replies it already queued, so replies must be collected in
    /// exactly the order they were requested: a short reply's tail is re-requested at the back of the queue,
    /// which means chunks can reach `sink` out of offset order.
    ///
    /// - Parameters:
    ///   - range: `nil` reads the whole file up to end of file (one request past the known size observes it).
    ///     A range reads exactly `range`: no request reaches past its end, and end of file before its end
    ///     is a `sizeMismatch` (the file shrank).
    ///   - opened: Called once with the remote attributes, after the size limit check and before any read; may
    ///     return a range to read instead of `range` (how a split download keeps the first range on the handle
    ///     it already opened).
    ///   - progress: Called after every reply, for the watchdog.
    ///   - sink: Receives each chunk with its file offset; offsets may arrive out of order after short replies.
    /// - Returns: Bytes read, the attributes observed at open, and the attributes from `fstat` after the read.
    func readFile(
        _ path: String,
        range: Range<UInt64>? = nil,
        options: DownloadOptions,
        opened: (RemoteFileInfo) throws -> Range<UInt64>?,
        progress: () -> Void,
        sink: (UnsafeRawBufferPointer, UInt64) throws -> Void
    ) throws -> (bytes: UInt64, info: RemoteFileInfo, final: RemoteFileInfo) {
        guard let sftp else {
            throw SFTPError.sessionFailed(host: host, operation: "open", message: "the SFTP channel is closed")
        }
        let name = (path as NSString).lastPathComponent
        guard let file = sftp_open(sftp, path, O_RDONLY, 0) else {
            throw failure(sftp, operation: "open", path: path)
        }
        defer { sftp_close(file) }
        guard let attributes = sftp_fstat(file) else {
            throw failure(sftp, operation: "stat", path: path)
        }
        let info = Self.info(attributes, name: name)
        sftp_attributes_free(attributes)
        guard info.size <= options.maxBytes else {
            throw SFTPError.fileTooLarge(host: host, path: path, size: info.size, limit: options.maxBytes)
        }
        let range = try opened(info) ?? range
        progress()

        let chunk = UInt32(options.chunkSize)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: options.chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        var pending = RequestQueue(capacity: options.requestsInFlight)
        let start = range?.lowerBound ?? 0
        let rangeEnd = range?.upperBound
        var knownEnd = info.size
        var nextOffset = start
        var received: UInt64 = 0
        var endOfFile: UInt64?

        func request(_ offset: UInt64, _ length: UInt32) throws {
            sftp_seek64(file, offset)
            let id = sftp_async_read_begin(file, length)
            guard id >= 0 else { throw failure(sftp, operation: "read", path: path) }
            pending.push(.init(id: UInt32(id), offset: offset, length: length))
        }

        while true {
            if let rangeEnd {
                // A range: keep the pipe full up to its end, never past it.
                while endOfFile == nil && pending.count < options.requestsInFlight && nextOffset < rangeEnd {
                    let length = UInt32(min(UInt64(chunk), rangeEnd - nextOffset))
                    try request(nextOffset, length)
                    nextOffset += UInt64(length)
                }
            } else {
                // The whole file: up to the known size, plus one request at or past it to observe end of file.
                while endOfFile == nil && pending.count < options.requestsInFlight && nextOffset <= knownEnd {
                    try request(nextOffset, chunk)
                    nextOffset += UInt64(chunk)
                }
            }
            guard let head = pending.pop() else { break }
            // Seeking resets libssh's sticky EOF flag, so every outstanding reply is really consumed.
            sftp_seek64(file, head.offset)
            let count = sftp_async_read(file, buffer.baseAddress, head.length, head.id)
            guard count >= 0 else { throw failure(sftp, operation: "read", path: path) }
            if count == 0 {
                if let rangeEnd {
                    throw SFTPError.sizeMismatch(host: host, path: path, expected: rangeEnd, actual: head.offset)
                }
                endOfFile = min(endOfFile ?? head.offset, head.offset)
                continue
            }
            let end = head.offset + UInt64(count)
            if let endOfFile, end > endOfFile {
                throw SFTPError.sizeMismatch(host: host, path: path, expected: endOfFile, actual: end)
            }
            if let rangeEnd, end > rangeEnd {
                throw SFTPError.sizeMismatch(host: host, path: path, expected: rangeEnd, actual: end)
            }
            // A range checks the highest offset reached; the whole file checks the bytes received.
            let reached = range == nil ? received + UInt64(count) : end
            guard reached <= options.maxBytes else {
                throw SFTPError.fileTooLarge(host: host, path: path, size: reached, limit: options.maxBytes)
            }
            try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<Int(count)]), head.offset)
            received += UInt64(count)
            knownEnd = max(knownEnd, end)
            progress()
            if UInt32(count) < head.length {
                try request(end, head.length - UInt32(count))
            }
        }

        guard let finalAttributes = sftp_fstat(file) else {
            throw failure(sftp, operation: "stat", path: path)
        }
        let final = Self.info(finalAttributes, name: name)
        sftp_attributes_free(finalAttributes)
        if let range {
            guard received == range.upperBound - range.lowerBound else {
                throw SFTPError.sizeMismatch(
                    host: host, path: path, expected: range.upperBound - range.lowerBound, actual: received)
            }
        } else {
            guard endOfFile == received, final.size == received else {
                throw SFTPError.sizeMismatch(host: host, path: path, expected: final.size, actual: received)
            }
        }
        return (received, info, final)
    }
}
