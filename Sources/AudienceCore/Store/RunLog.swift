import Foundation
import GRDB

/// One run in the history.
public struct RunSummary: Sendable, Codable, Equatable {
    public var id: Int64
    public var directory: String
    public var command: String
    public var startedAt: String
    public var endedAt: String
    public var outcome: String
    public var exitCode: Int
    public var message: String?
    public var attributes: String
    public var counts: ChangeCounts
    public var files: [FileFingerprint]
    public var osUser: String?
}

/// Writes and reads the `runs`, `run_files` and `run_rejects` tables.
enum RunLog {
    /// Inserts a run with its files and rejected rows, inside the caller's transaction.
    static func record(
        db: Database, directory: String, command: String, startedAt: Date, outcome: String, exitCode: Int32,
        message: String?, attributes: AttributeSelection, counts: ChangeCounts, files: [FileFingerprint],
        rejections: RejectionLog, membersAfter: Int?
    ) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO runs (directory, command, started_at, ended_at, outcome, exit_code, message, attributes,
                    data_rows, added, updated, removed, unchanged, rejected, groups_added, groups_removed,
                    memberships_added, memberships_removed, members_after, os_user, pid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                directory, command, Timestamp.rfc3339(startedAt), Timestamp.rfc3339(Date()), outcome, Int(exitCode), message,
                attributes.description, counts.dataRows, counts.added, counts.updated, counts.removed,
                counts.unchanged, counts.rejected, counts.groupsAdded, counts.groupsRemoved, counts.membershipsAdded,
                counts.membershipsRemoved, membersAfter, ProcessInfo.processInfo.userName, Int(getpid()),
            ])
        let runID = db.lastInsertedRowID
        for file in files {
            try db.execute(
                sql: """
                    INSERT INTO run_files (run_id, role, name, bytes, sha256, remote_size, remote_mtime)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [runID, file.role, file.name, file.bytes, file.sha256, file.remoteSize, file.remoteModified])
        }
        let insert = try db.makeStatement(
            sql: "INSERT INTO run_rejects (run_id, file, line, column_number, reason) VALUES (?, ?, ?, ?, ?)")
        for rejection in rejections.entries {
            try insert.execute(arguments: [runID, rejection.file, rejection.line, rejection.column, rejection.reason])
        }
        return runID
    }

    /// The files and attributes of the directory's last run that applied (or confirmed) its state.
    static func lastApplied(db: Database, directory: String) throws -> (files: [FileFingerprint], attributes: String)? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT id, attributes FROM runs WHERE directory = ? AND outcome IN ('applied', 'unchanged')
                    ORDER BY id DESC LIMIT 1
                    """, arguments: [directory])
        else { return nil }
        return (try files(db: db, runID: row[0]), row[1])
    }

    static func files(db: Database, runID: Int64) throws -> [FileFingerprint] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT role, name, bytes, sha256, remote_size, remote_mtime FROM run_files WHERE run_id = ? ORDER BY role
                """, arguments: [runID]
        ).map {
            FileFingerprint(
                role: $0[0], name: $0[1], bytes: $0[2], sha256: $0[3], remoteSize: $0[4], remoteModified: $0[5])
        }
    }

    /// Runs, newest first.
    static func list(db: Database, directory: String?, outcome: String?, limit: Int) throws -> [RunSummary] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let directory {
            conditions.append("directory = ?")
            _ = arguments.append(contentsOf: [directory])
        }
        if let outcome {
            conditions.append("outcome = ?")
            _ = arguments.append(contentsOf: [outcome])
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        _ = arguments.append(contentsOf: [limit])
        return try Row.fetchAll(db, sql: "SELECT * FROM runs \(filter) ORDER BY id DESC LIMIT ?", arguments: arguments)
            .map { row in
                var counts = ChangeCounts()
                counts.dataRows = row["data_rows"]
                counts.added = row["added"]
                counts.updated = row["updated"]
                counts.removed = row["removed"]
                counts.unchanged = row["unchanged"]
                counts.rejected = row["rejected"]
                counts.groupsAdded = row["groups_added"]
                counts.groupsRemoved = row["groups_removed"]
                counts.membershipsAdded = row["memberships_added"]
                counts.membershipsRemoved = row["memberships_removed"]
                return RunSummary(
                    id: row["id"], directory: row["directory"], command: row["command"], startedAt: row["started_at"],
                    endedAt: row["ended_at"], outcome: row["outcome"], exitCode: row["exit_code"], message: row["message"],
                    attributes: row["attributes"], counts: counts, files: try files(db: db, runID: row["id"]),
                    osUser: row["os_user"])
            }
    }

    /// The rejected rows stored for a run.
    static func rejections(db: Database, runID: Int64) throws -> [Rejection] {
        try Row.fetchAll(
            db, sql: "SELECT file, line, column_number, reason FROM run_rejects WHERE run_id = ? ORDER BY rowid",
            arguments: [runID]
        ).map { Rejection(file: $0[0], line: $0[1], column: $0[2], reason: $0[3]) }
    }
}

/// RFC 3339 timestamps in UTC with milliseconds, as stored and logged.
public enum Timestamp {
    public static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
