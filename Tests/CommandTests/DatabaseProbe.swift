import Foundation
import GRDB

/// Reads an audience database the way a fresh process would after a crash: opening it runs SQLite's WAL
/// recovery, then `PRAGMA integrity_check` and a canonical dump of the audience tables.
///
/// The dump covers members (every column but the row id), groups and memberships (by user and group key), so
/// two databases with equal dumps give byte-identical `export` output; it is compared instead of running the
/// debug-built `export` command (~4 s of CPU at 100,000 members) after every crash trial.
enum DatabaseProbe {
    /// The audience content and the integrity verdict of one database file.
    struct Finding {
        var integrity: [String]
        var state: Data
        var members: Int
    }

    /// Opens `path` read-write (so a hot WAL is recovered and checkpointed on close) and reads it.
    ///
    /// - Throws: GRDB's error when the file cannot be opened or read, which itself fails the trial.
    static func inspect(_ path: String) throws -> Finding {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let members = try Int.fetchOne(db, sql: "SELECT count(*) FROM members") ?? -1
            return Finding(integrity: integrity, state: try state(db), members: members)
        }
    }

    /// The canonical dump: members, groups, memberships, each sorted by its natural key, plus the raw
    /// membership count (a membership whose member or group is missing would not show in the join).
    static func state(_ db: Database) throws -> Data {
        let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(members)").map { $0["name"] as String }
            .filter { $0 != "id" }
        let memberRow = columns.map { "quote(\($0))" }.joined(separator: "||','||")
        let queries = [
            "SELECT \(memberRow) AS line FROM members ORDER BY directory, user_id",
            "SELECT quote(directory)||','||quote(group_key)||','||quote(name) AS line FROM groups ORDER BY directory, group_key",
            """
            SELECT quote(m.directory)||','||quote(m.user_id)||','||quote(g.group_key) AS line
            FROM memberships ms JOIN members m ON m.id = ms.member_id JOIN groups g ON g.id = ms.group_id
            ORDER BY m.directory, m.user_id, g.group_key
            """,
            "SELECT 'memberships ' || count(*) AS line FROM memberships",
        ]
        var dump = Data()
        for query in queries {
            // One blob per table, built by SQLite in the subquery's order (row-by-row fetching or byte-wise
            // copying in a debug build costs seconds at 300,000 memberships).
            let sql = "SELECT CAST(group_concat(line, char(10)) AS BLOB) FROM (\(query))"
            dump.append(try Data.fetchOne(db, sql: sql) ?? Data())
            dump.append(contentsOf: [0x0A, 0x2D, 0x2D, 0x0A])
        }
        return dump
    }

    /// A connection of the test's own that keeps a transaction open on `path` until ``close()`` rolls it back.
    final class OpenTransaction {
        private let queue: DatabaseQueue

        /// Runs `statements` (the first one a BEGIN) on a new connection to the WAL-mode database `path`.
        init(_ path: String, _ statements: [String]) throws {
            var configuration = Configuration()
            // The transaction deliberately outlives the access block.
            configuration.allowsUnsafeTransactions = true
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.inDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                for statement in statements { try db.execute(sql: statement) }
            }
        }

        /// Ends the transaction and closes the connection (the last close checkpoints the WAL).
        func close() throws {
            try queue.inDatabase { db in try db.execute(sql: "ROLLBACK") }
            try queue.close()
        }
    }

    /// A read transaction on `path`'s current state, which keeps any other connection's checkpoint from
    /// copying newer WAL frames into the database file until it is closed.
    static func readSnapshot(_ path: String) throws -> OpenTransaction {
        try OpenTransaction(path, ["BEGIN DEFERRED", "SELECT count(*) FROM members"])
    }

    /// The write lock on `path`, held with an uncommitted change (member `u1` deleted) until it is closed.
    static func writeLock(_ path: String) throws -> OpenTransaction {
        try OpenTransaction(path, ["BEGIN IMMEDIATE", "DELETE FROM members WHERE user_id = 'u1'"])
    }
}
