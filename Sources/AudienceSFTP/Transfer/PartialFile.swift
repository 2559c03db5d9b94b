import CWriteBehind
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A local `<final>.partial` file (mode 0600) that either becomes `<final>` through ``commit()`` or is removed.
///
/// `deinit` removes an uncommitted file, so no failure path can leave a half-written file behind.
final class PartialFile {
    let finalPath: String
    let partialPath: String
    private var fd: Int32
    private var committed = false

    /// Creates (or truncates) `<finalPath>.partial` with mode 0600.
    init(finalPath: String) throws {
        self.finalPath = finalPath
        partialPath = finalPath + ".partial"
        fd = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SFTPError.localIO(path: partialPath, operation: "create", message: Self.errnoText())
        }
        // An existing .partial from a crashed run may carry a wider mode; O_CREAT does not change it.
        fchmod(fd, 0o600)
    }

    deinit {
        if !committed {
            discard()
        }
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw SFTPError.localIO(path: partialPath, operation: "write", message: Self.errnoText())
            }
            done += n
        }
    }

    /// Reserves disk space for `size` bytes before the download starts, so a full disk fails the download at
    /// once with a clear message instead of after gigabytes, and the file is laid out in few extents.
    /// File systems that cannot reserve space (EOPNOTSUPP) are not an error.
    func reserve(_ size: UInt64) throws {
        guard size > 0 else { return }
        if audience_reserve(fd, Int64(size)) == 0 { return }
        let code = errno
        if code == ENOSPC || code == EDQUOT || code == EFBIG {
            throw SFTPError.localIO(
                path: partialPath, operation: "reserve \(size) bytes for",
                message: String(cString: strerror(code)))
        }
    }

    /// Asks the kernel to start writing `range` to disk now, without waiting for it (see ``WriteBehind``).
    ///
    /// A hint only: the `fsync` in ``commit()`` is what makes the data durable, so a failure is ignored.
    func startWriteback(_ range: Range<UInt64>) {
        guard fd >= 0, !range.isEmpty else { return }
        _ = audience_start_writeback(fd, Int64(range.lowerBound), Int64(range.upperBound - range.lowerBound))
    }

    /// fsyncs the data, renames `.partial` to the final name and fsyncs the directory.
    func commit() throws {
        guard fsync(fd) == 0 else {
            throw SFTPError.localIO(path: partialPath, operation: "fsync", message: Self.errnoText())
        }
        close(fd)
        fd = -1
        guard rename(partialPath, finalPath) == 0 else {
            throw SFTPError.localIO(path: finalPath, operation: "rename", message: Self.errnoText())
        }
        committed = true
        let directory = (finalPath as NSString).deletingLastPathComponent
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    /// Closes and deletes the partial file.
    func discard() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        unlink(partialPath)
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
