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
    public var pid: Int?
    public var membersBefore: Int?
    public var membersAfter: Int?
    /// Held runs: `pending`, `approved`, `discarded` or `superseded`.
    public var planState: String?
    /// Who approved or discarded the plan, and when.
    public var resolvedBy: String?
    public var resolvedAt: String?
    /// For an `approve` run: the held run whose plan it applied.
    public var approvesRun: Int64?
}

/// Writes and reads the `runs`, `run_files` and `run_rejects` tables.
enum RunLog {
    /// Inserts the row of a run that starts now (outcome `running`) and returns its id.
    static func begin(db: Database, directory: String, command: String, startedAt: Date) throws -> Int64 {
        let now = Timestamp.rfc3339(startedAt)
        try db.execute(
            sql: """
                INSERT INTO runs (directory, command, started_at, ended_at, outcome, exit_code, attributes, os_user, pid)
                VALUES (?, ?, ?, ?, 'running', 0, '', ?, ?)
                """,
            arguments: [directory, command, now, now, OSUser.name, Int(getpid())])
        return db.lastInsertedRowID
    }

    /// Marks runs of other processes that are still `running` as `interrupted`: the caller holds the
    /// run lock, so their process ended (SIGKILL, power loss) before it could record an outcome.
    static func markInterrupted(db: Database) throws {
        try db.execute(
            sql: """
                UPDATE runs SET outcome = 'interrupted', exit_code = 137,
                    message = 'the process ended before recording an outcome (killed or power loss); nothing was applied'
                WHERE outcome = 'running' AND (pid IS NULL OR pid != ?)
                """, arguments: [Int(getpid())])
    }

    /// Records a run's outcome, files and rejected rows, inside the caller's transaction.
    static func finish(
        db: Database, runID: Int64, outcome: String, exitCode: Int32, message: String?, attributes: AttributeSelection,
        counts: ChangeCounts, files: [FileFingerprint], rejections: RejectionLog, membersAfter: Int?,
        membersBefore: Int? = nil, planState: String? = nil, approvesRun: Int64? = nil
    ) throws {
        try db.execute(
            sql: """
                UPDATE runs SET ended_at = ?, outcome = ?, exit_code = ?, message = ?, attributes = ?,
                    data_rows = ?, added = ?, updated = ?, removed = ?, unchanged = ?, rejected = ?, groups_added = ?,
                    groups_removed = ?, memberships_added = ?, memberships_removed = ?, members_after = ?,
                    members_before = ?, plan_state = ?, approves_run = ?
                WHERE id = ?
                """,
            arguments: [
                Timestamp.rfc3339(Date()), outcome, Int(exitCode), message, attributes.description, counts.dataRows,
                counts.added, counts.updated, counts.removed, counts.unchanged, counts.rejected, counts.groupsAdded,
                counts.groupsRemoved, counts.membershipsAdded, counts.membershipsRemoved, membersAfter, membersBefore,
                planState, approvesRun, runID,
            ])
        try db.execute(sql: "DELETE FROM run_files WHERE run_id = ?", arguments: [runID])
        for file in files {
            try db.execute(
                sql: """
                    INSERT INTO run_files (run_id, role, name, bytes, sha256, remote_size, remote_mtime, path)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    runID, file.role, file.name, file.bytes, file.sha256, file.remoteSize, file.remoteModified, file.path,
                ])
        }
        let insert = try db.makeStatement(
            sql: "INSERT INTO run_rejects (run_id, file, line, column_number, reason) VALUES (?, ?, ?, ?, ?)")
        for rejection in rejections.entries {
            try insert.execute(arguments: [runID, rejection.file, rejection.line, rejection.column, rejection.reason])
        }
    }

    /// Marks the directory's held runs that still wait for approval as `superseded`: a newer run
    /// has been held or applied, so their plans are out of date.
    static func supersedePending(db: Database, directory: String, except runID: Int64?) throws {
        try db.execute(
            sql: """
                UPDATE runs SET plan_state = 'superseded', resolved_at = ?
                WHERE directory = ? AND plan_state = 'pending' AND id != ?
                """, arguments: [Timestamp.rfc3339(Date()), directory, runID ?? -1])
        try db.execute(
            sql: """
                DELETE FROM run_plan WHERE run_id IN (
                    SELECT id FROM runs WHERE directory = ? AND plan_state = 'superseded')
                """, arguments: [directory])
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
                SELECT role, name, bytes, sha256, remote_size, remote_mtime, path FROM run_files WHERE run_id = ?
                ORDER BY role
                """, arguments: [runID]
        ).map {
            var file = FileFingerprint(
                role: $0[0], name: $0[1], bytes: $0[2], sha256: $0[3], remoteSize: $0[4], remoteModified: $0[5])
            file.path = $0[6]
            return file
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
            .map { try summary($0, db: db) }
    }

    /// One run, or nil.
    static func run(db: Database, id: Int64) throws -> RunSummary? {
        try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map { try summary($0, db: db) }
    }

    private static func summary(_ row: Row, db: Database) throws -> RunSummary {
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
            osUser: row["os_user"], pid: row["pid"], membersBefore: row["members_before"],
            membersAfter: row["members_after"], planState: row["plan_state"], resolvedBy: row["resolved_by"],
            resolvedAt: row["resolved_at"], approvesRun: row["approves_run"])
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
