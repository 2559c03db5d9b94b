#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where formatted log lines go: standard error in production, a closure in tests.
///
/// A sink receives whole lines, each ending in `"\n"`. The file-descriptor sink writes each line with one
/// `write(2)` under a process-wide lock, so lines from several threads never interleave.
public struct LogSink: Sendable {
    private let writeLine: @Sendable (String) -> Void

    /// Creates a sink that hands every line to `write`.
    ///
    /// - Parameters:
    ///   - write: Called once per event with the whole line, trailing newline included; may be called from any
    ///     thread, so it must do its own locking.
    public init(_ write: @escaping @Sendable (String) -> Void) {
        self.writeLine = write
    }

    /// Standard error (file descriptor 2), unbuffered.
    public static let standardError = LogSink.fileDescriptor(2)

    /// A sink writing to an open file descriptor that the caller keeps open for the life of the process.
    ///
    /// - Parameters:
    ///   - descriptor: The descriptor, e.g. `2` for standard error.
    /// - Returns: A sink whose lines are written whole, one `write(2)` each.
    public static func fileDescriptor(_ descriptor: Int32) -> LogSink {
        LogSink { line in FileDescriptorWriter.write(line, to: descriptor) }
    }

    /// Writes one line, which must end in `"\n"`.
    public func write(_ line: String) {
        writeLine(line)
    }
}

/// The one place that calls `write(2)` for log lines.
enum FileDescriptorWriter {
    /// One lock for every descriptor: stderr is the only one in practice, and a shared lock also keeps lines
    /// whole when two descriptors are the same pipe.
    private static let lock = NSLock()

    static func write(_ line: String, to descriptor: Int32) {
        var line = line
        line.withUTF8 { bytes in
            lock.lock()
            defer { lock.unlock() }
            var offset = 0
            // One write(2) per line; the loop only continues after EINTR or a short write (a full pipe), and the
            // lock keeps the rest of the line ahead of any other thread's.
            while offset < bytes.count {
                #if canImport(Darwin)
                let written = Darwin.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                #elseif canImport(Musl)
                let written = Musl.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                #else
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                #endif
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // EPIPE, EBADF…: a logger has nowhere left to report its own failure.
                }
            }
        }
    }
}
