import AudienceCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The metrics file: rewritten whole after every run, so node_exporter never reads half of it.
///
/// The text goes to a temporary file in the same folder (same file system, so `rename(2)` is
/// atomic), is flushed with `fsync`, then renamed over the old file; the folder is synced too so
/// the rename survives a power loss. The temporary name does not end in `.prom`, so the textfile
/// collector ignores it even if a crash leaves it behind.
public struct MetricsFile: Sendable {
    public var path: String

    /// Mode of the file. The process umask (077) would make it 0600, but node_exporter runs as
    /// another user and must read it; the file holds counts and timestamps, no personal data.
    public static let mode: mode_t = 0o644

    public init(path: String) {
        self.path = path
    }

    /// Renders the statuses of every directory in `store` and replaces the file with them.
    ///
    /// - Throws: `StoreError` when the database cannot be read, `MetricsFileError` when the file cannot be written.
    public func write(from store: AudienceStore) throws {
        try write(MetricsRenderer.render(try store.directoryStatuses()))
    }

    /// Replaces the file with `text` atomically.
    ///
    /// - Throws: `MetricsFileError` naming the path and the system's reason; the old file is left as it was.
    public func write(_ text: String) throws(MetricsFileError) {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "" : folder + "/") + "." + (path as NSString).lastPathComponent
            + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, Self.mode)
        guard fd >= 0 else { throw .cannotWrite(path: temporary, reason: Self.lastError) }
        var failure: String?
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count && failure == nil {
            let count = bytes[written...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno != EINTR { failure = Self.lastError }
            } else {
                written += count
            }
        }
        // fchmod: open's mode is filtered through the umask.
        if failure == nil && fchmod(fd, Self.mode) != 0 { failure = Self.lastError }
        if failure == nil && fsync(fd) != 0 { failure = Self.lastError }
        if close(fd) != 0 && failure == nil { failure = Self.lastError }
        if failure == nil && rename(temporary, path) != 0 { failure = Self.lastError }
        if let failure {
            unlink(temporary)
            throw .cannotWrite(path: path, reason: failure)
        }
        let folderFD = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
    }

    private static var lastError: String { String(cString: strerror(errno)) }
}

/// Why the metrics file could not be written.
public enum MetricsFileError: Error, CustomStringConvertible, Sendable {
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "\(path): cannot write the metrics file: \(reason)."
        }
    }
}

/// `write(2)`, under a name that the `write` methods above do not shadow.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
