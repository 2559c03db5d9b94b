import CLibSSH
import Foundation

/// SFTP read requests and their replies, spoken directly on the SFTP channel of an open file.
///
/// libssh 0.10's `sftp_async_read` copies every byte of a reply four times on its way to the caller (channel
/// buffer, a stack buffer, the packet payload, an `ssh_string`, the caller's buffer) and allocates for every
/// reply; it also needs replies collected in request order and a seek before every request, because its
/// offset bookkeeping fails on short replies. For a 1 GiB download that was a tenth of the download
/// thread's CPU. Here `SSH_FXP_READ` requests (draft-ietf-secsh-filexfer-02, section 6.4) are written with
/// `ssh_channel_write`, several per SSH packet, and each `SSH_FXP_DATA` reply's payload is read with
/// `ssh_channel_read` straight into the caller's buffer: one copy.
///
/// Used only between `sftp_open` and `sftp_close` of the file, while libssh has no request of its own
/// outstanding on the channel, and every reply to a request sent here is read here before libssh reads the
/// channel again. Request ids come from a range of their own.
struct SFTPReadPipe {
    /// One parsed reply.
    enum Reply {
        /// `count` bytes of data for request `id`, now at the start of the caller's buffer.
        case data(id: UInt32, count: Int)
        /// The server's end-of-file status for request `id`.
        case endOfFile(id: UInt32)
        /// Any other status: the server's code and message.
        case failure(id: UInt32, code: UInt32, message: String)
    }

    private static let fxpRead: UInt8 = 5
    private static let fxpStatus: UInt8 = 101
    private static let fxpData: UInt8 = 103
    private static let fxEOF: UInt32 = 1
    /// Largest status reply accepted (code, message, language tag).
    private static let maxStatusLength = 64 * 1024

    private let session: LibSSHSession
    private let path: String
    private let channel: ssh_channel
    private let handle: [UInt8]
    private var nextID: UInt32 = 0x4000_0000
    private var outbox: [UInt8] = []

    /// A pipe for `file` (remote `path`), opened with `sftp_open` on `sftp`.
    init(session: LibSSHSession, sftp: sftp_session, file: sftp_file, path: String) throws {
        guard let channel = sftp.pointee.channel, let handle = file.pointee.handle else {
            throw SFTPError.sessionFailed(
                host: session.host, operation: "read", message: "the SFTP channel or file handle is missing")
        }
        self.session = session
        self.path = path
        self.channel = channel
        self.handle = Array(UnsafeRawBufferPointer(start: ssh_string_data(handle), count: ssh_string_len(handle)))
        outbox.reserveCapacity(64 * (self.handle.count + 25))
    }

    /// Queues a request for `length` bytes at `offset`; sent by the next ``flush()``. Returns its id.
    mutating func queueRead(offset: UInt64, length: UInt32) -> UInt32 {
        let id = nextID
        nextID &+= 1
        append32(UInt32(1 + 4 + 4 + handle.count + 8 + 4))
        outbox.append(Self.fxpRead)
        append32(id)
        append32(UInt32(handle.count))
        outbox.append(contentsOf: handle)
        append32(UInt32(truncatingIfNeeded: offset >> 32))
        append32(UInt32(truncatingIfNeeded: offset))
        append32(length)
        return id
    }

    /// Sends every queued request (usually in one SSH packet).
    mutating func flush() throws {
        guard !outbox.isEmpty else { return }
        let count = outbox.count
        let written = outbox.withUnsafeBytes { ssh_channel_write(channel, $0.baseAddress, UInt32(count)) }
        guard written == Int32(count) else { throw channelFailure("send read requests") }
        outbox.removeAll(keepingCapacity: true)
    }

    /// Reads the next reply; a data reply's payload goes to the start of `buffer`, which must hold the
    /// largest length requested. `limit(id)` is the length requested by `id` (nil: not a request of ours).
    func nextReply(into buffer: UnsafeMutableRawBufferPointer, limit: (UInt32) -> UInt32?) throws -> Reply {
        // 13 bytes: length, type, id, then the data length (data) or the status code (status).
        let (length, type, id, fourth) = try withUnsafeTemporaryAllocation(byteCount: 13, alignment: 4) {
            header in
            try readExactly(header.baseAddress!, 13)
            let raw = UnsafeRawBufferPointer(header)
            return (
                Self.be32(raw, 0), raw[4], Self.be32(raw, 5), Self.be32(raw, 9)
            )
        }
        guard let requested = limit(id) else {
            throw protocolFailure("a reply for request \(id), which was not sent")
        }
        switch type {
        case Self.fxpData:
            guard fourth <= requested, UInt64(length) == 9 + UInt64(fourth) else {
                throw protocolFailure("a data reply of \(fourth) bytes (packet \(length)) for \(requested) requested")
            }
            try readExactly(buffer.baseAddress!, Int(fourth))
            return .data(id: id, count: Int(fourth))
        case Self.fxpStatus:
            guard length >= 9, Int(length) - 9 <= Self.maxStatusLength else {
                throw protocolFailure("a status reply of \(length) bytes")
            }
            var rest = [UInt8](repeating: 0, count: Int(length) - 9)
            try rest.withUnsafeMutableBytes { if !$0.isEmpty { try readExactly($0.baseAddress!, $0.count) } }
            if fourth == Self.fxEOF { return .endOfFile(id: id) }
            return .failure(id: id, code: fourth, message: rest.withUnsafeBytes { Self.statusMessage($0, code: fourth) })
        default:
            throw protocolFailure("a reply of type \(type) to a read request")
        }
    }

    // MARK: Helpers

    /// `ssh_channel_read` until `count` bytes arrived. It returns 0 when its own timeout passes with no data
    /// (the watchdog, not libssh, decides when a silent server has failed) and when the channel ended.
    private func readExactly(_ destination: UnsafeMutableRawPointer, _ count: Int) throws {
        var done = 0
        while done < count {
            let n = ssh_channel_read(channel, destination + done, UInt32(count - done), 0)
            if n < 0 { throw channelFailure("read") }
            if n == 0 {
                if ssh_channel_is_eof(channel) != 0 || ssh_channel_is_closed(channel) != 0 {
                    throw SFTPError.remoteOperationFailed(
                        host: session.host, path: path, operation: "read",
                        message: "the server closed the SFTP channel mid-reply")
                }
                continue
            }
            done += Int(n)
        }
    }

    private mutating func append32(_ value: UInt32) {
        outbox.append(UInt8(truncatingIfNeeded: value >> 24))
        outbox.append(UInt8(truncatingIfNeeded: value >> 16))
        outbox.append(UInt8(truncatingIfNeeded: value >> 8))
        outbox.append(UInt8(truncatingIfNeeded: value))
    }

    private static func be32(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    /// The message string of a status reply (after its code), or a generic text when it has none.
    static func statusMessage(_ rest: UnsafeRawBufferPointer, code: UInt32) -> String {
        if rest.count >= 4 {
            let length = Int(be32(rest, 0))
            if length > 0, length <= rest.count - 4 {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: rest[4..<(4 + length)]), as: UTF8.self)
                return "\(text) (SFTP status \(code))"
            }
        }
        return "SFTP status \(code)"
    }

    private func channelFailure(_ operation: String) -> SFTPError {
        var message = session.lastError
        if message.isEmpty { message = "the SSH channel failed" }
        return .remoteOperationFailed(host: session.host, path: path, operation: operation, message: message)
    }

    private func protocolFailure(_ what: String) -> SFTPError {
        .remoteOperationFailed(
            host: session.host, path: path, operation: "read", message: "the server sent \(what)")
    }
}
