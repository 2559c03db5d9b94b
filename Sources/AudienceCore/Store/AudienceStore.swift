import Foundation
import GRDB

/// The SQLite audience database: members of each directory, manual lists, and run history.
///
/// One `DatabaseQueue` in WAL mode with `synchronous=FULL`, so a committed sync survives power
/// loss and a killed process leaves the database exactly as it was before the transaction.
public final class AudienceStore: Sendable {
    public let path: String
    let queue: DatabaseQueue

    /// Opens (creating if needed) the database and brings its schema up to date.
    ///
    /// - Parameters:
    ///   - path: the database file.
    ///   - readOnly: open without creating or migrating (for read-only commands).
    /// - Throws: `StoreError` with SQLite's message.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        if readOnly && !FileManager.default.fileExists(atPath: path) {
            throw StoreError.notFound(what: "audience database \(path)")
        }
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(10)
        configuration.label = "audience"
        configuration.prepareDatabase { db in
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // 32 MB of page cache: more bought no speed at a million rows and cost peak RSS (limit 300 MB).
            try db.execute(sql: "PRAGMA cache_size = -32768")
            try db.execute(sql: "PRAGMA temp_store = FILE")
        }
        do {
            let oldMask = umask(0o077)
            defer { umask(oldMask) }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = Self.migrator
            if try queue.read({ try migrator.hasBeenSuperseded($0) }) {
                throw StoreError.newerSchema(path: path)
            }
            if !readOnly {
                try migrator.migrate(queue)
            } else if try queue.read({ try !migrator.hasCompletedMigrations($0) }) {
                throw StoreError.cannotOpen(path: path, message: "not an audience-sync database, or an older one")
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, message: error.message ?? "\(error.resultCode)")
        }
    }

    /// Closes the database now, not whenever the last reference goes away (a thread that ran a sync may
    /// still hold one when the process exits, and then SQLite never closes it).
    ///
    /// Closing the last connection checkpoints the WAL into the database file and removes it, so a copy of
    /// the database file alone is complete. Later use of the store throws. A failure is ignored: SQLite then
    /// keeps the WAL, which the next open replays.
    public func close() {
        try? queue.close()
    }

    /// Runs a read and maps GRDB errors to `StoreError`.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch { throw StoreError.wrap(error, path: path, operation: operation) }
    }

    /// Runs one write transaction and maps GRDB errors to `StoreError`; any error rolls back.
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw StoreError.wrap(error, path: path, operation: operation)
        }
    }

    /// Runs one transaction: a write transaction, or with `readOnly` a deferred read transaction, which
    /// takes no write lock (in WAL mode it neither waits for nor blocks a writer) and refuses any write.
    func transaction<T>(_ operation: String, readOnly: Bool, _ body: (Database) throws -> T) throws -> T {
        readOnly ? try read(operation, body) : try write(operation, body)
    }

    /// Aborts the statement running on the store's connection, if any, so its transaction rolls back.
    /// Safe from any thread (a signal handler's).
    public func interrupt() {
        queue.interrupt()
    }

    /// The number of members of a directory (or of all directories).
    public func memberCount(directory: String? = nil) throws -> Int {
        try read("counting members") { db in
            if let directory {
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM members WHERE directory = ?", arguments: [directory]) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM members") ?? 0
        }
    }

    /// The IDs of directories that have members or runs.
    public func directories() throws -> [String] {
        try read("listing directories") { db in
            try String.fetchAll(
                db, sql: "SELECT directory FROM members UNION SELECT directory FROM runs ORDER BY 1")
        }
    }
}
