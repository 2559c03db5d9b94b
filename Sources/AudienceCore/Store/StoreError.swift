import GRDB

/// A problem with the audience database itself.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    /// The database could not be opened or created.
    case cannotOpen(path: String, message: String)
    /// The database was written by a newer audience-sync whose schema this one does not know.
    case newerSchema(path: String)
    /// Another process holds the database for longer than the busy timeout.
    case busy(path: String, message: String)
    /// SQLite reported an error; `message` is SQLite's own.
    case sqlite(path: String, operation: String, message: String)
    /// The input file changed between the validation pass and the write pass.
    case inputChanged(file: String, line: Int)
    /// A run or list named on the command line does not exist.
    case notFound(what: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let message):
            return "\(path): cannot open the audience database: \(message)."
        case .newerSchema(let path):
            return "\(path): the database was written by a newer version of audience-sync; refusing to touch it."
        case .busy(let path, let message):
            return "\(path): the database is locked by another process (\(message)); try again later."
        case .sqlite(let path, let operation, let message):
            return "\(path): \(operation) failed: \(message); nothing was changed."
        case .inputChanged(let file, let line):
            return "\(file):\(line): the file changed while it was being imported; nothing was changed."
        case .notFound(let what):
            return "\(what) not found."
        }
    }

    /// 75 (try again) when busy, 65 for changed input, 66 for a missing run or list, 74 otherwise.
    public var exitCode: Int32 {
        switch self {
        case .busy: return 75
        case .inputChanged: return 65
        case .notFound: return 66
        default: return 74
        }
    }

    /// Wraps any error from GRDB into a `StoreError` carrying SQLite's message.
    static func wrap(_ error: any Error, path: String, operation: String) -> any Error {
        if error is StoreError || error is ValidationError || error is SnapshotRefused { return error }
        if let error = error as? DatabaseError {
            if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                return StoreError.busy(path: path, message: error.message ?? "\(error.resultCode)")
            }
            return StoreError.sqlite(path: path, operation: operation, message: error.message ?? "\(error.resultCode)")
        }
        return error
    }
}
