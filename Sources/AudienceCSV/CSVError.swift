/// A problem that stops reading a whole CSV file.
///
/// Row-level problems that do not prevent reading the rest of the file are reported as
/// ``CSVRecordIssue`` on the affected record instead.
public enum CSVError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened; `reason` is the `strerror` text.
    case cannotOpen(file: String, reason: String)
    /// A `read(2)` call failed; `reason` is the `strerror` text.
    case readFailed(file: String, reason: String)
    /// A field is not valid UTF-8 (overlong forms, surrogates and truncated sequences included).
    /// `line` is the line where the record starts; `column` is the 1-based field number.
    case invalidUTF8(file: String, line: Int, column: Int)
    /// The file ends inside a quoted field; `line` is where that field began.
    case unterminatedQuote(file: String, line: Int)
    /// A field is longer than ``CSVOptions/maxFieldBytes``; `line` is where the record starts.
    case fieldTooLarge(file: String, line: Int, column: Int, limit: Int)
    /// A record is longer than ``CSVOptions/maxRecordBytes``; `line` is where the record starts.
    case recordTooLarge(file: String, line: Int, limit: Int)
    /// A NUL byte was found; `line` is the physical line holding it, `column` the 1-based field number.
    case nulByte(file: String, line: Int, column: Int)
    /// The file starts with a UTF-16 or UTF-32 byte-order mark.
    case utf16(file: String)

    /// The display name of the file the error is about.
    public var file: String {
        switch self {
        case .cannotOpen(let file, _), .readFailed(let file, _), .invalidUTF8(let file, _, _),
            .unterminatedQuote(let file, _), .fieldTooLarge(let file, _, _, _), .recordTooLarge(let file, _, _),
            .nulByte(let file, _, _), .utf16(let file):
            return file
        }
    }

    /// The 1-based line the error is about, or `nil` for errors about the whole file.
    public var line: Int? {
        switch self {
        case .cannotOpen, .readFailed, .utf16:
            return nil
        case .invalidUTF8(_, let line, _), .unterminatedQuote(_, let line), .fieldTooLarge(_, let line, _, _),
            .recordTooLarge(_, let line, _), .nulByte(_, let line, _):
            return line
        }
    }

    /// The 1-based field number the error is about, or `nil` when it is not about one field.
    public var column: Int? {
        switch self {
        case .invalidUTF8(_, _, let column), .fieldTooLarge(_, _, let column, _), .nulByte(_, _, let column):
            return column
        default:
            return nil
        }
    }

    /// One sentence naming the file and line, e.g. `users.csv:12: invalid UTF-8 in field 3`.
    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason):
            return "\(file): cannot open file: \(reason)"
        case .readFailed(let file, let reason):
            return "\(file): read failed: \(reason)"
        case .invalidUTF8(let file, let line, let column):
            return "\(file):\(line): invalid UTF-8 in field \(column) (re-export the file as UTF-8)"
        case .unterminatedQuote(let file, let line):
            return "\(file):\(line): quoted field starting on this line is never closed (truncated upload?)"
        case .fieldTooLarge(let file, let line, let column, let limit):
            return "\(file):\(line): field \(column) is larger than the \(limit)-byte limit (unbalanced quote?)"
        case .recordTooLarge(let file, let line, let limit):
            return "\(file):\(line): record is larger than the \(limit)-byte limit (unbalanced quote?)"
        case .nulByte(let file, let line, let column):
            return "\(file):\(line): NUL byte in field \(column) (binary or UTF-16 file?)"
        case .utf16(let file):
            return "\(file): file is UTF-16 or UTF-32 (byte-order mark found); re-export as UTF-8"
        }
    }
}
