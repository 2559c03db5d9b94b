import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C API, for the sync's hot loops.
///
/// GRDB's `StatementArguments` box every value; binding text straight from the CSV reader's
/// buffer (`SQLITE_STATIC`: the bytes live until the step below) is several times faster for a
/// million rows. This is the only file in the package that calls sqlite3 directly, and every
/// failure becomes a `StoreError` with SQLite's own message.
final class BulkStatement {
    private let statement: Statement
    private let connection: OpaquePointer?
    private let path: String
    private var index: Int32 = 0

    init(_ db: Database, path: String, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        connection = db.sqliteConnection
        self.path = path
    }

    private static let empty: StaticString = ""

    /// Binds the next parameter to text (an empty buffer binds '').
    func bind(_ bytes: UnsafeBufferPointer<UInt8>) {
        index += 1
        if let base = bytes.baseAddress, bytes.count > 0 {
            let chars = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            sqlite3_bind_text(statement.sqliteStatement, index, chars, Int32(bytes.count), nil)
        } else {
            let chars = UnsafeRawPointer(Self.empty.utf8Start).assumingMemoryBound(to: CChar.self)
            sqlite3_bind_text(statement.sqliteStatement, index, chars, 0, nil)
        }
    }

    /// Binds the next parameter to a Swift string (copied by SQLite).
    func bind(_ string: String) {
        index += 1
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        sqlite3_bind_text(statement.sqliteStatement, index, string, -1, transient)
    }

    func bind(_ value: Int64) {
        index += 1
        sqlite3_bind_int64(statement.sqliteStatement, index, value)
    }

    func bindNull() {
        index += 1
        sqlite3_bind_null(statement.sqliteStatement, index)
    }

    /// Runs the statement with the bound parameters, then resets it for the next row.
    ///
    /// - Throws: `StoreError.sqlite` with SQLite's message.
    func step() throws {
        let code = sqlite3_step(statement.sqliteStatement)
        index = 0
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            let message = String(cString: sqlite3_errmsg(connection))
            sqlite3_reset(statement.sqliteStatement)
            throw StoreError.sqlite(path: path, operation: "writing the audience", message: message)
        }
        sqlite3_reset(statement.sqliteStatement)
    }

    /// Binds integers and steps: for the membership and delete statements.
    func run(_ values: Int64...) throws {
        for value in values { bind(value) }
        try step()
    }
}

/// Reads integer columns of many rows straight from SQLite, for the diff's million-row scans.
///
/// GRDB's `Row` cursor costs about half a microsecond a row in boxing and lookups; these scans
/// read three to four integers from up to three million rows.
enum BulkReader {
    /// Runs `sql` with `arguments` and calls `body` with a column accessor for every row.
    ///
    /// - Throws: `StoreError.sqlite` with SQLite's message, or what `body` throws.
    static func forEachRow(
        _ db: Database, sql: String, arguments: StatementArguments,
        _ body: (_ column: (Int32) -> Int64) throws -> Void
    ) throws {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
                let path = sqlite3_db_filename(db.sqliteConnection, "main").map { String(cString: $0) } ?? "database"
                throw StoreError.sqlite(path: path, operation: "reading the audience", message: message)
            }
            try body { sqlite3_column_int64(handle, $0) }
        }
    }
}
