import Crypto
import Foundation

/// SHA-256 and size of a file, read in 1 MiB chunks.
enum FileDigest {
    /// - Throws: `ValidationError.missingFile` or `.unreadable`.
    static func fingerprint(path: String, role: String, name: String) throws(ValidationError) -> FileFingerprint {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { throw .missingFile(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var hasher = SHA256()
        var total: Int64 = 0
        let size = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer.baseAddress, size)
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            total += Int64(count)
        }
        let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return FileFingerprint(role: role, name: name, bytes: total, sha256: hex)
    }
}
