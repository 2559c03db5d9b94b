import CLibSSH
import Foundation

/// The pipelined SFTP read loop shared by whole-file downloads and split downloads.
extension LibSSHSession {
    /// Reads `path` with many read requests in flight and hands every byte to `sink` with its file offset:
    /// all of it up to end of file, or, when `opened` returns a ``StripeSchedule``, the stripes this
    /// connection claims from it (other connections claim the rest).
    ///
    /// Requests go out and replies come back through ``SFTPReadPipe``, which speaks SFTP on the channel
    /// itself: libssh 0.10's `sftp_async_read` copies each reply four times and mishandles short replies.
    /// OpenSSH answers at most 261,120 bytes per read, and any server may answer short, so a short reply's
    /// tail is requested again (chunks can reach `sink` out of offset order) and the final size is checked
    /// against `sftp_fstat`.
    ///
    /// - Parameters:
    ///   - opened: Called once with the remote attributes, after the size limit check and before any read.
    ///     Returning nil reads the whole file up to end of file (one request past the known size observes
    ///     it). Returning a schedule reads only claimed stripes: no request crosses a stripe's end, every
    ///     fully written stripe is reported with ``StripeSchedule/finished(_:)``, and end of file inside a
    ///     stripe is a `sizeMismatch` (the file shrank).
    ///   - progress: Called after every reply, for the watchdog.
    ///   - sink: Receives each chunk with its file offset; offsets may arrive out of order after short replies.
    /// - Returns: Bytes read, the attributes observed at open, and the attributes from `fstat` after the read.
    func readFile(
        _ path: String,
        options: DownloadOptions,
        opened: (RemoteFileInfo) throws -> StripeSchedule?,
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
        let schedule = try opened(info)
        progress()

        // Leaving with replies still on their way (or after a reply that broke the protocol) leaves the SFTP
        // stream out of step: the `sftp_close` above would wait behind them, or for a packet that never comes.
        var inStep = false
        defer { if !inStep { abandon() } }
        var sizing = ReadSizing(options)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: options.chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        var pipe = try SFTPReadPipe(session: self, sftp: sftp, file: file, path: path)
        var pending: [UInt32: (offset: UInt64, length: UInt32)] = [:]
        pending.reserveCapacity(options.requestsInFlight * 2)
        var knownEnd = info.size
        var nextOffset: UInt64 = 0
        var received: UInt64 = 0
        var endOfFile: UInt64?
        // Striped reads: the claimed stripe being requested, bytes still to arrive per claimed stripe.
        var stripe: Range<UInt64> = 0..<0
        var unwritten: [UInt64: UInt64] = [:]
        var claimed: UInt64 = 0
        var allClaimed = false

        func request(_ offset: UInt64, _ length: UInt32) {
            pending[pipe.queueRead(offset: offset, length: length)] = (offset, length)
        }

        while true {
            // Refill in batches, several requests per SSH packet.
            let inFlight = sizing.requestsInFlight
            if pending.count + sizing.refillBatch <= inFlight || pending.isEmpty {
                if let schedule {
                    // Keep the pipe full from claimed stripes, claiming the next one when this one is all requested.
                    while pending.count < inFlight {
                        if nextOffset >= stripe.upperBound {
                            guard !allClaimed, let next = schedule.claim() else {
                                allClaimed = true
                                break
                            }
                            stripe = next
                            nextOffset = next.lowerBound
                            unwritten[next.lowerBound] = UInt64(next.count)
                            claimed += UInt64(next.count)
                        }
                        let length = min(sizing.chunk, stripe.upperBound - nextOffset)
                        request(nextOffset, UInt32(length))
                        nextOffset += length
                    }
                } else {
                    // The whole file: up to the known size, plus one request at or past it to observe end of file.
                    while endOfFile == nil && pending.count < inFlight && nextOffset <= knownEnd {
                        request(nextOffset, UInt32(sizing.chunk))
                        nextOffset += sizing.chunk
                    }
                }
            }
            try pipe.flush()
            if pending.isEmpty { break }
            let reply = try pipe.nextReply(into: buffer) { pending[$0]?.length }
            let id: UInt32
            var count = 0
            switch reply {
            case .data(let replyID, let bytes):
                (id, count) = (replyID, bytes)
            case .endOfFile(let replyID):
                id = replyID
            case .failure(_, _, let message):
                throw SFTPError.remoteOperationFailed(host: host, path: path, operation: "read", message: message)
            }
            guard let head = pending.removeValue(forKey: id) else { continue }
            if count == 0 {
                if let schedule {
                    throw SFTPError.sizeMismatch(host: host, path: path, expected: schedule.size, actual: head.offset)
                }
                endOfFile = min(endOfFile ?? head.offset, head.offset)
                continue
            }
            let end = head.offset + UInt64(count)
            if let endOfFile, end > endOfFile {
                throw SFTPError.sizeMismatch(host: host, path: path, expected: endOfFile, actual: end)
            }
            // A striped read checks the highest offset reached; the whole file checks the bytes received.
            let reached = schedule == nil ? received + UInt64(count) : end
            guard reached <= options.maxBytes else {
                throw SFTPError.fileTooLarge(host: host, path: path, size: reached, limit: options.maxBytes)
            }
            try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), head.offset)
            received += UInt64(count)
            knownEnd = max(knownEnd, end)
            progress()
            if UInt32(count) < head.length {
                // A short reply before the end of the file or stripe shows the server's reply limit.
                if end < (schedule?.stripe(containing: head.offset).upperBound ?? knownEnd) {
                    sizing.observe(requested: UInt64(head.length), received: UInt64(count))
                }
                for piece in sizing.pieces(from: end, length: UInt64(head.length) - UInt64(count)) {
                    request(piece.offset, piece.length)
                }
            }
            if let schedule {
                let owner = schedule.stripe(containing: head.offset)
                let outstanding = unwritten[owner.lowerBound] ?? 0
                guard outstanding >= UInt64(count) else {
                    throw SFTPError.sizeMismatch(host: host, path: path, expected: owner.upperBound, actual: end)
                }
                let left = outstanding - UInt64(count)
                if left == 0 {
                    unwritten[owner.lowerBound] = nil
                    schedule.finished(owner)
                } else {
                    unwritten[owner.lowerBound] = left
                }
            }
        }

        inStep = true
        guard let finalAttributes = sftp_fstat(file) else {
            throw failure(sftp, operation: "stat", path: path)
        }
        let final = Self.info(finalAttributes, name: name)
        sftp_attributes_free(finalAttributes)
        if schedule != nil {
            guard received == claimed, unwritten.isEmpty else {
                throw SFTPError.sizeMismatch(host: host, path: path, expected: claimed, actual: received)
            }
        } else {
            guard endOfFile == received, final.size == received else {
                throw SFTPError.sizeMismatch(host: host, path: path, expected: final.size, actual: received)
            }
        }
        return (received, info, final)
    }
}
