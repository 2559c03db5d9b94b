#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A streaming RFC 4180 CSV reader over UTF-8 bytes.
///
/// The file is read in fixed-size `read(2)` chunks into one buffer of
/// `chunkSize + maxRecordBytes` bytes; a record that spans two chunks is moved to the front of
/// the buffer and re-scanned once the rest arrives. Memory use is therefore bounded whatever the
/// file size.
///
/// Dialect:
/// - Fields are separated by `,`; quoted fields may hold `,`, `""` (a literal quote), CR and LF.
/// - A record ends at LF, CRLF, or a lone CR outside quotes (old Mac exports). Each of these
///   advances the line count by one. Inside quotes CR and LF are kept as data and only LF
///   advances the line count.
/// - Empty lines are skipped but counted. A final record without a line terminator is kept.
/// - A leading UTF-8 byte-order mark is dropped; UTF-16/UTF-32 marks and NUL bytes are errors.
public final class CSVReader {
    enum Source {
        case file(fd: Int32)
        case memory(bytes: [UInt8], offset: Int)
    }

    /// The name used in error messages (by default the file's last path component).
    public let displayName: String
    /// The limits and chunk size this reader was created with.
    public let options: CSVOptions
    var source: Source

    /// The buffer holds file bytes in `dataStart..<dataEnd`, followed by a 0 sentinel that stops
    /// every scan loop without a bounds check, and 8+ spare bytes so 8-byte loads never overrun.
    let buffer: UnsafeMutablePointer<UInt8>
    let capacity: Int
    var dataStart = 0
    var dataEnd = 0
    var sourceExhausted = false
    var startChecked = false

    /// Line number of the byte at `dataStart`.
    var line = 1

    /// Reusable field boundaries: start and end offsets into `buffer`, two per field.
    var offsets: UnsafeMutablePointer<Int>
    var offsetCapacity = 64

    /// Bytes read from the file so far (a byte-order mark included).
    public private(set) var bytesRead = 0
    /// Records delivered to the callback so far (header included).
    public internal(set) var recordsRead = 0

    /// Opens a CSV file for streaming.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - displayName: Name used in error messages; defaults to the last path component.
    ///   - options: Limits and chunk size.
    /// - Throws: ``CSVError/cannotOpen(file:reason:)`` with the `strerror` text.
    public convenience init(path: String, displayName: String? = nil, options: CSVOptions = CSVOptions())
        throws(CSVError)
    {
        let name = displayName ?? CSVReader.lastComponent(of: path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw CSVError.cannotOpen(file: name, reason: String(cString: strerror(errno)))
        }
        #if os(Linux)
            // A hint only; failure is harmless.
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
        self.init(source: .file(fd: fd), displayName: name, options: options)
    }

    /// Creates a reader over bytes already in memory (handy for tests and small inputs).
    ///
    /// The bytes are still fed to the parser `chunkSize` at a time, exactly as a file would be.
    ///
    /// - Parameters:
    ///   - bytes: The CSV content.
    ///   - displayName: Name used in error messages.
    ///   - options: Limits and chunk size.
    public convenience init(bytes: [UInt8], displayName: String = "<memory>", options: CSVOptions = CSVOptions()) {
        self.init(source: .memory(bytes: bytes, offset: 0), displayName: displayName, options: options)
    }

    /// Creates a reader over the UTF-8 encoding of `string`.
    ///
    /// - Parameters:
    ///   - string: The CSV content.
    ///   - displayName: Name used in error messages.
    ///   - options: Limits and chunk size.
    public convenience init(string: String, displayName: String = "<memory>", options: CSVOptions = CSVOptions()) {
        self.init(bytes: Array(string.utf8), displayName: displayName, options: options)
    }

    init(source: Source, displayName: String, options: CSVOptions) {
        self.source = source
        self.displayName = displayName
        self.options = options
        // +1 lets a pending CR sit beside a full-size partial record; +16 holds the sentinel and
        // the tail of an 8-byte load that starts at the sentinel.
        capacity = options.chunkSize + options.maxRecordBytes + 1
        // Not zero-filled up front: for a small file most of the buffer is never touched, and
        // `refill()` initializes the sentinel and padding after each read.
        buffer = .allocate(capacity: capacity + 16)
        buffer.initialize(repeating: 0, count: 16)
        offsets = .allocate(capacity: 2 * offsetCapacity)
    }

    deinit {
        if case .file(let fd) = source {
            close(fd)
        }
        buffer.deallocate()
        offsets.deallocate()
    }

    /// Calls `body` for every record, header included, in file order.
    ///
    /// Records before a file-level error have already been delivered when it is thrown, so a
    /// caller that must be all-or-nothing should stage rows and commit only after this returns.
    /// Call it once per reader; after it throws, the reader cannot resume.
    ///
    /// - Parameter body: Receives each record; the record and its field buffers are only valid
    ///   during the call (copy what you keep, e.g. with ``CSVRecord/string(_:)``). Throwing from
    ///   `body` stops reading.
    /// - Throws: ``CSVError`` for file-level problems, or whatever `body` throws.
    public func forEachRecord(_ body: (borrowing CSVRecord) throws -> Void) throws {
        if !startChecked {
            try checkStartOfFile()
            startChecked = true
        }
        while true {
            try scanBufferedRecords(body)
            if sourceExhausted {
                return
            }
            try refill()
        }
    }

    /// Drops a UTF-8 BOM and rejects UTF-16/UTF-32 ones, which need up to 4 bytes to recognise.
    private func checkStartOfFile() throws(CSVError) {
        while dataEnd - dataStart < 4 && !sourceExhausted {
            try refill()
        }
        let p = buffer + dataStart
        let n = dataEnd - dataStart
        if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
            dataStart += 3
        } else if n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)) {
            throw CSVError.utf16(file: displayName)
        } else if n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF {
            throw CSVError.utf16(file: displayName)
        }
    }

    /// Moves the unconsumed tail (a partial record) to the front and appends up to `chunkSize` bytes.
    func refill() throws(CSVError) {
        if dataStart > 0 {
            let remaining = dataEnd - dataStart
            if remaining > 0 {
                (buffer).update(from: buffer + dataStart, count: remaining)
            }
            dataStart = 0
            dataEnd = remaining
        }
        let want = min(options.chunkSize, capacity - dataEnd)
        precondition(want > 0, "CSV buffer full; the partial-record limit check should have fired")
        let got: Int
        switch source {
        case .file(let fd):
            var n: Int
            repeat {
                n = read(fd, buffer + dataEnd, want)
            } while n < 0 && errno == EINTR
            if n < 0 {
                throw CSVError.readFailed(file: displayName, reason: String(cString: strerror(errno)))
            }
            got = n
        case .memory(let bytes, let offset):
            got = min(want, bytes.count - offset)
            if got > 0 {
                bytes.withUnsafeBufferPointer { src in
                    (buffer + dataEnd).update(from: src.baseAddress! + offset, count: got)
                }
            }
            source = .memory(bytes: bytes, offset: offset + got)
        }
        if got == 0 {
            sourceExhausted = true
        }
        dataEnd += got
        bytesRead += got
        // The 0 sentinel, plus the bytes an 8-byte load starting at it may touch.
        (buffer + dataEnd).initialize(repeating: 0, count: 16)
    }

    /// Doubles the field-offset buffer; called when a record has more fields than ever seen.
    func growOffsets() -> UnsafeMutablePointer<Int> {
        let bigger = UnsafeMutablePointer<Int>.allocate(capacity: 4 * offsetCapacity)
        bigger.update(from: offsets, count: 2 * offsetCapacity)
        offsets.deallocate()
        offsets = bigger
        offsetCapacity *= 2
        return bigger
    }

    static func lastComponent(of path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return parts.last.map(String.init) ?? path
    }
}
