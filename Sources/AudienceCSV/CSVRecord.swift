/// A problem confined to one record.
///
/// The record is still delivered (with a best-effort field value) so the caller can reject just
/// that row and keep importing the rest of the file.
public enum CSVRecordIssue: Equatable, Sendable, CustomStringConvertible {
    /// A `"` inside an unquoted field, e.g. `ab"c`. The field value is the raw text, quote included.
    case bareQuote(column: Int)
    /// Text between a closing quote and the next delimiter, e.g. `"ab"c`. The field value is the
    /// quoted part only (`ab`).
    case textAfterClosingQuote(column: Int)

    /// The 1-based field number the issue is about.
    public var column: Int {
        switch self {
        case .bareQuote(let column), .textAfterClosingQuote(let column):
            return column
        }
    }

    /// A short phrase for logs, e.g. `stray quote inside unquoted field 3`.
    public var description: String {
        switch self {
        case .bareQuote(let column):
            return "stray quote inside unquoted field \(column)"
        case .textAfterClosingQuote(let column):
            return "text after the closing quote of field \(column)"
        }
    }
}

/// One CSV record, valid only during the ``CSVReader/forEachRecord(_:)`` callback.
///
/// The record points into the reader's buffers: no field is copied or allocated unless you ask
/// for a `String`. Do not keep the record, or any pointer obtained from it, after the callback
/// returns; the bytes are overwritten by the next read.
public struct CSVRecord {
    /// The physical 1-based line where the record starts. Newlines inside quoted fields advance
    /// the count, so later records keep matching what an editor shows.
    public var line: Int
    /// The number of fields (a trailing delimiter adds an empty last field).
    public var count: Int
    /// A row-level problem found in this record, if any (only the first is kept).
    public var issue: CSVRecordIssue?

    // Start and end offsets into `base`, two per field.
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let offsets: UnsafePointer<Int>

    init(line: Int, count: Int, issue: CSVRecordIssue?, base: UnsafePointer<UInt8>, offsets: UnsafePointer<Int>) {
        self.line = line
        self.count = count
        self.issue = issue
        self.base = base
        self.offsets = offsets
    }

    /// The unescaped bytes of a field (`""` already turned into `"`), without surrounding quotes.
    ///
    /// The buffer is only valid during the `forEachRecord` callback.
    ///
    /// - Parameter index: 0-based field index; must be less than ``count``.
    /// - Returns: The field's bytes, valid UTF-8.
    @inlinable
    public func fieldBytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(index >= 0 && index < count, "CSV field index \(index) out of range 0..<\(count)")
        let start = offsets[2 &* index]
        let end = offsets[2 &* index &+ 1]
        return UnsafeBufferPointer(start: base + start, count: end &- start)
    }

    /// Calls `body` with the unescaped bytes of a field.
    ///
    /// - Parameters:
    ///   - index: 0-based field index; must be less than ``count``.
    ///   - body: Receives the field's bytes; the buffer must not escape the closure.
    /// - Returns: Whatever `body` returns.
    /// - Throws: Whatever `body` throws.
    @inlinable
    public func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(fieldBytes(index))
    }

    /// The field as a `String` (allocates; fine for headers and rows you keep).
    ///
    /// - Parameter index: 0-based field index; must be less than ``count``.
    /// - Returns: The decoded field; the reader has already checked it is valid UTF-8.
    public func string(_ index: Int) -> String {
        String(decoding: fieldBytes(index), as: UTF8.self)
    }

    /// All fields as `String`s (allocates; meant for the header row and tests).
    ///
    /// - Returns: One string per field, in order.
    public func strings() -> [String] {
        (0..<count).map { string($0) }
    }

    /// Whether a field has zero bytes (`""` and an absent value both count as empty).
    ///
    /// - Parameter index: 0-based field index; must be less than ``count``.
    /// - Returns: `true` when the field is empty.
    @inlinable
    public func isEmpty(_ index: Int) -> Bool {
        fieldBytes(index).isEmpty
    }

    /// Whether a field's bytes equal `text`, without allocating a `String` for the field.
    ///
    /// - Parameters:
    ///   - index: 0-based field index; must be less than ``count``.
    ///   - text: The text to compare with.
    /// - Returns: `true` when the bytes are identical.
    public func field(_ index: Int, equals text: String) -> Bool {
        let bytes = fieldBytes(index)
        var text = text
        return text.withUTF8 { $0.elementsEqual(bytes) }
    }
}
