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

/// Work started on its own thread now and awaited later, so two passes can overlap on two cores.
///
/// The body runs exactly once; `wait()` blocks until it has finished and returns (or rethrows)
/// its result, as often as it is called.
final class BackgroundWork<T>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the worker before `done` is signalled, read only after waiting on it.
    private var result: Result<T, any Error>?
    private let lock = NSLock()

    init(_ body: @escaping () throws -> T) {
        let unchecked = UncheckedSendable(body)
        Thread.detachNewThread { [self] in
            result = Result { try unchecked.value() }
            done.signal()
        }
    }

    func wait() throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if let result { return try result.get() }
        done.wait()
        return try result!.get()
    }
}

/// Hands a value to another thread when the caller guarantees it is not shared mutably.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Fingerprints a run's files on a background thread, so hashing overlaps with parsing.
final class FingerprintTask: Sendable {
    private let work: BackgroundWork<[FileFingerprint]>

    /// Starts hashing `inputs` (role, path, display name, size as stat'ed for the run) at once.
    ///
    /// A file with a digest in `known` (computed while it was downloaded) is not read again as long as it
    /// still has the size that digest covers; a file whose size changed since is hashed like any other.
    init(
        _ inputs: [(role: String, path: String, name: String, bytes: Int64)], remote: [String: RemoteStat] = [:],
        known: [String: KnownDigest] = [:]
    ) {
        work = BackgroundWork {
            try inputs.map { input in
                var file: FileFingerprint
                if let digest = known[input.role], input.bytes == digest.bytes {
                    file = FileFingerprint(role: input.role, name: input.name, bytes: digest.bytes, sha256: digest.sha256)
                } else {
                    file = try FileDigest.fingerprint(path: input.path, role: input.role, name: input.name)
                }
                file.remoteSize = remote[input.role]?.size
                file.remoteModified = remote[input.role]?.modified
                return file
            }
        }
    }

    /// Waits for the fingerprints.
    ///
    /// - Throws: `ValidationError.missingFile` or `.unreadable`.
    func wait() throws(ValidationError) -> [FileFingerprint] {
        do { return try work.wait() } catch let error as ValidationError { throw error } catch {
            throw .unreadable(path: "", reason: "\(error)")
        }
    }
}
