import CLibSSH
import Foundation

/// SFTP file operations on a started session. Like the session itself, single-threaded.
extension LibSSHSession {
    /// Attributes of `path`, or nil when it does not exist.
    func stat(_ path: String) throws -> RemoteFileInfo? {
        let sftp = try liveSFTP("stat")
        guard let attributes = sftp_stat(sftp, path) else {
            if isMissing(sftp) { return nil }
            throw failure(sftp, operation: "stat", path: path)
        }
        defer { sftp_attributes_free(attributes) }
        return Self.info(attributes, name: (path as NSString).lastPathComponent)
    }

    /// Entries of `directory` except `.` and `..`.
    func list(_ directory: String, progress: () -> Void) throws -> [RemoteFileInfo] {
        let sftp = try liveSFTP("list")
        guard let dir = sftp_opendir(sftp, directory) else {
            throw failure(sftp, operation: "list", path: directory)
        }
        defer { sftp_closedir(dir) }
        var entries: [RemoteFileInfo] = []
        while let attributes = sftp_readdir(sftp, dir) {
            defer { sftp_attributes_free(attributes) }
            progress()
            let name = attributes.pointee.name.map { String(cString: $0) } ?? ""
            if name == "." || name == ".." || name.isEmpty { continue }
            entries.append(Self.info(attributes, name: name))
        }
        guard sftp_dir_eof(dir) == 1 else {
            throw failure(sftp, operation: "list", path: directory)
        }
        return entries
    }

    func rename(from source: String, to destination: String) throws {
        let sftp = try liveSFTP("rename")
        guard sftp_rename(sftp, source, destination) == SSH_OK else {
            throw failure(sftp, operation: "rename to \(destination)", path: source)
        }
    }

    func remove(_ path: String) throws {
        let sftp = try liveSFTP("remove")
        guard sftp_unlink(sftp, path) == SSH_OK else {
            throw failure(sftp, operation: "remove", path: path)
        }
    }

    /// Creates `path`; succeeds quietly when it already is a directory.
    func makeDirectory(_ path: String, permissions: UInt32) throws {
        let sftp = try liveSFTP("mkdir")
        if sftp_mkdir(sftp, path, mode_t(permissions)) == SSH_OK { return }
        let error = failure(sftp, operation: "mkdir", path: path)
        if let existing = try stat(path), existing.kind == .directory { return }
        throw error
    }

    /// Reads `path` with many read requests in flight and hands every byte to `sink` with its offset.
    ///
    /// Two libssh 0.10 traps shape this loop. Its offset bookkeeping for `sftp_async_read_begin` goes wrong when
    /// a reply is shorter than requested (OpenSSH answers at most 261,120 bytes per read), so every request is
    /// positioned with `sftp_seek64` and the final size is checked against `sftp_fstat`. And `sftp_async_read`
    /// always reads a new packet before looking at replies it already queued, so replies must be collected in
    /// exactly the order they were requested: a short reply's tail is re-requested at the back of the queue,
    /// which means chunks can reach `sink` out of offset order.
    ///
    /// - Parameters:
    ///   - opened: Called once with the remote attributes, after the size limit check and before any read.
    ///   - progress: Called after every reply, for the watchdog.
    ///   - sink: Receives each chunk with its file offset; offsets may arrive out of order after short replies.
    /// - Returns: Bytes read and the attributes observed at open.
    func read(
        _ path: String,
        options: DownloadOptions,
        opened: (RemoteFileInfo) throws -> Void,
        progress: () -> Void,
        sink: (UnsafeRawBufferPointer, UInt64) throws -> Void
    ) throws -> (bytes: UInt64, info: RemoteFileInfo) {
        let sftp = try liveSFTP("open")
        guard let file = sftp_open(sftp, path, O_RDONLY, 0) else {
            throw failure(sftp, operation: "open", path: path)
        }
        defer { sftp_close(file) }
        guard let attributes = sftp_fstat(file) else {
            throw failure(sftp, operation: "stat", path: path)
        }
        let info = Self.info(attributes, name: (path as NSString).lastPathComponent)
        sftp_attributes_free(attributes)
        guard info.size <= options.maxBytes else {
            throw SFTPError.fileTooLarge(host: host, path: path, size: info.size, limit: options.maxBytes)
        }
        try opened(info)
        progress()

        let chunk = UInt32(options.chunkSize)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: options.chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        var pending = RequestQueue(capacity: options.requestsInFlight)
        var knownEnd = info.size
        var nextOffset: UInt64 = 0
        var received: UInt64 = 0
        var endOfFile: UInt64?

        func request(_ offset: UInt64, _ length: UInt32) throws {
            sftp_seek64(file, offset)
            let id = sftp_async_read_begin(file, length)
            guard id >= 0 else { throw failure(sftp, operation: "read", path: path) }
            pending.push(.init(id: UInt32(id), offset: offset, length: length))
        }

        while true {
            // Keep the pipe full up to the known size, plus one request at or past it to observe end of file.
            while endOfFile == nil && pending.count < options.requestsInFlight && nextOffset <= knownEnd {
                try request(nextOffset, chunk)
                nextOffset += UInt64(chunk)
            }
            guard let head = pending.pop() else { break }
            // Seeking resets libssh's sticky EOF flag, so every outstanding reply is really consumed.
            sftp_seek64(file, head.offset)
            let count = sftp_async_read(file, buffer.baseAddress, head.length, head.id)
            guard count >= 0 else { throw failure(sftp, operation: "read", path: path) }
            if count == 0 {
                endOfFile = min(endOfFile ?? head.offset, head.offset)
                continue
            }
            let end = head.offset + UInt64(count)
            if let endOfFile, end > endOfFile {
                throw SFTPError.sizeMismatch(host: host, path: path, expected: endOfFile, actual: end)
            }
            guard received + UInt64(count) <= options.maxBytes else {
                throw SFTPError.fileTooLarge(
                    host: host, path: path, size: received + UInt64(count), limit: options.maxBytes)
            }
            try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<Int(count)]), head.offset)
            received += UInt64(count)
            knownEnd = max(knownEnd, end)
            progress()
            if UInt32(count) < head.length {
                try request(end, head.length - UInt32(count))
            }
        }

        guard let final = sftp_fstat(file) else {
            throw failure(sftp, operation: "stat", path: path)
        }
        let finalSize = final.pointee.size
        sftp_attributes_free(final)
        guard endOfFile == received, finalSize == received else {
            throw SFTPError.sizeMismatch(host: host, path: path, expected: finalSize, actual: received)
        }
        return (received, info)
    }

    // MARK: Helpers

    private func liveSFTP(_ operation: String) throws -> sftp_session {
        guard let sftp else {
            throw SFTPError.sessionFailed(host: host, operation: operation, message: "the SFTP channel is closed")
        }
        return sftp
    }

    private func isMissing(_ sftp: sftp_session) -> Bool {
        let code = sftp_get_error(sftp)
        return code == SSH_FX_NO_SUCH_FILE || code == SSH_FX_NO_SUCH_PATH
    }

    /// Turns the current SFTP status into an error: missing files get their own case.
    private func failure(_ sftp: sftp_session, operation: String, path: String) -> SFTPError {
        if isMissing(sftp) {
            return .remoteFileMissing(host: host, path: path)
        }
        let code = sftp_get_error(sftp)
        var message = lastError
        if message.isEmpty { message = "SFTP status \(code)" }
        return .remoteOperationFailed(host: host, path: path, operation: operation, message: message)
    }

    private static func info(_ attributes: sftp_attributes, name: String) -> RemoteFileInfo {
        let a = attributes.pointee
        let kind: RemoteFileInfo.Kind =
            switch Int32(a.type) {
            case SSH_FILEXFER_TYPE_REGULAR: .regular
            case SSH_FILEXFER_TYPE_DIRECTORY: .directory
            case SSH_FILEXFER_TYPE_SYMLINK: .symlink
            default: .other
            }
        let seconds = max(a.mtime64, UInt64(a.mtime))
        return RemoteFileInfo(
            name: name, size: a.size, modified: Date(timeIntervalSince1970: TimeInterval(seconds)), kind: kind)
    }
}

/// Fixed-capacity FIFO of outstanding read requests.
struct RequestQueue {
    struct Request {
        var id: UInt32
        var offset: UInt64
        var length: UInt32
    }

    private var storage: [Request?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        storage = Array(repeating: nil, count: max(1, capacity))
    }

    mutating func push(_ request: Request) {
        precondition(count < storage.count, "request queue overflow")
        storage[(head + count) % storage.count] = request
        count += 1
    }

    mutating func pop() -> Request? {
        guard count > 0 else { return nil }
        let request = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return request
    }
}
