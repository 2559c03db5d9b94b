import AudienceCSV

/// A file-level problem: the snapshot is not applied at all.
public enum ValidationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file does not exist.
    case missingFile(path: String)
    /// The file exists but cannot be read.
    case unreadable(path: String, reason: String)
    /// The CSV itself is broken (encoding, quoting, limits).
    case csv(CSVError)
    /// The file has no header line at all.
    case emptyFile(file: String)
    /// A required column is missing from the header.
    case missingColumn(file: String, column: String, found: [String])
    /// Two header cells name the same column (after trimming, case folding and aliases).
    case duplicateColumn(file: String, column: String, firstColumn: Int, secondColumn: Int)
    /// The header is followed by no data rows: an empty export never means "remove everyone".
    case noDataRows(file: String)
    /// More rows were rejected than the configured threshold allows; `first` holds the first rejected rows
    /// (at most ``refusalSample``), so a caller can show what to fix without reading the file again.
    case tooManyRejects(file: String, rejected: Int, rows: Int, maxPercent: Double, first: [Rejection] = [])
    /// An `--attributes` entry names no known attribute.
    case unknownAttribute(name: String)

    public var description: String {
        switch self {
        case .missingFile(let path):
            return "\(path): no such file."
        case .unreadable(let path, let reason):
            return "\(path): cannot read the file: \(reason)."
        case .csv(let error):
            return error.description
        case .emptyFile(let file):
            return "\(file): the file is empty (no header line); nothing was applied."
        case .missingColumn(let file, let column, let found):
            return "\(file):1: required column '\(column)' is missing (header has: \(FileLayout.listing(found)))."
        case .duplicateColumn(let file, let column, let first, let second):
            return "\(file):1: column '\(column)' appears twice (columns \(first) and \(second))."
        case .noDataRows(let file):
            return "\(file): the header is followed by no data rows; an empty export is refused and nothing was applied."
        case .tooManyRejects(let file, let rejected, let rows, let maxPercent, _):
            let percent = rows == 0 ? 100 : Double(rejected) * 100 / Double(rows)
            return "\(file): \(rejected) of \(rows) rows rejected (\(Self.format(percent))%, limit \(Self.format(maxPercent))%); "
                + "nothing was applied."
        case .unknownAttribute(let name):
            let known = Attribute.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown attribute '\(name)'; known attributes: \(known), or 'all'."
        }
    }

    /// How many rejected rows a `tooManyRejects` error carries.
    public static let refusalSample = 20

    /// The sysexits code for this error: 66 for a missing input file, 64 for a bad option, 65 otherwise.
    public var exitCode: Int32 {
        switch self {
        case .missingFile: return 66
        case .unreadable: return 66
        case .unknownAttribute: return 64
        case .csv(let error):
            switch error {
            case .cannotOpen: return 66
            case .readFailed: return 74
            default: return 65
            }
        default: return 65
        }
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

import Foundation

/// One rejected row: the row is ignored, and the person keeps what the database already has.
public struct Rejection: Sendable, Equatable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// 1-based column number, when one column is at fault.
    public var column: Int?
    /// The reason, free of the row's content (it holds personal data).
    public var reason: String

    public init(file: String, line: Int, column: Int?, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `file:line: reason` or `file:line:column: reason`, as compilers print.
    public var description: String {
        if let column { return "\(file):\(line):\(column): \(reason)" }
        return "\(file):\(line): \(reason)"
    }
}
