import Foundation
import GRDB

/// One run as `status` and the metrics file show it: when, how it ended, and what it changed.
public struct RunBrief: Sendable, Codable, Equatable {
    public var id: Int64
    public var command: String
    public var startedAt: String
    public var endedAt: String
    /// `applied`, `unchanged`, `held`, `rejected`, `not-ready`, `failed`, `no-files`, `interrupted` or `running`.
    public var outcome: String
    public var exitCode: Int
    public var message: String?
    public var added: Int
    public var updated: Int
    public var removed: Int
    public var rejected: Int
    /// The process that ran it.
    public var pid: Int?

    public init(
        id: Int64, command: String, startedAt: String, endedAt: String, outcome: String, exitCode: Int,
        message: String?, added: Int, updated: Int, removed: Int, rejected: Int, pid: Int?
    ) {
        self.id = id
        self.command = command
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.exitCode = exitCode
        self.message = message
        self.added = added
        self.updated = updated
        self.removed = removed
        self.rejected = rejected
        self.pid = pid
    }

    /// Seconds from start to end (0 while it is running, or when a timestamp cannot be read).
    public var durationSeconds: Double {
        guard let start = Timestamp.date(from: startedAt), let end = Timestamp.date(from: endedAt) else { return 0 }
        return max(0, end.timeIntervalSince(start))
    }
}

/// A held run whose plan waits for `approve` or `discard`.
///
/// Not a ``RunBrief``, though both are rows of `runs`: a held run's outcome, exit code and end are
/// always the same (held, 65), what matters is the plan and the members it was computed against, and
/// `status --format json` prints exactly these keys for each of `heldRuns`, which scripts read.
public struct HeldRunBrief: Sendable, Codable, Equatable {
    public var id: Int64
    public var startedAt: String
    public var added: Int
    public var updated: Int
    public var removed: Int
    /// Members of the directory when the run was held.
    public var membersBefore: Int?

    public init(id: Int64, startedAt: String, added: Int, updated: Int, removed: Int, membersBefore: Int? = nil) {
        self.id = id
        self.startedAt = startedAt
        self.added = added
        self.updated = updated
        self.removed = removed
        self.membersBefore = membersBefore
    }
}

/// What an operator needs to know about one directory at a glance.
public struct DirectoryStatus: Sendable, Codable, Equatable {
    public var directory: String
    public var members: Int
    /// The newest run that has ended (any outcome but `running`).
    public var lastRun: RunBrief?
    /// The newest run that applied the files or found them unchanged.
    public var lastSuccess: RunBrief?
    /// Held runs still `pending`, newest first.
    public var heldRuns: [HeldRunBrief]
    /// Rows still `running`: a run in progress, or one killed before it could record an outcome
    /// (the next run marks those `interrupted`).
    public var running: [RunBrief]

    public init(
        directory: String, members: Int, lastRun: RunBrief?, lastSuccess: RunBrief?, heldRuns: [HeldRunBrief],
        running: [RunBrief]
    ) {
        self.directory = directory
        self.members = members
        self.lastRun = lastRun
        self.lastSuccess = lastSuccess
        self.heldRuns = heldRuns
        self.running = running
    }
}

/// The run lock next to a database: whether a process holds it now.
public struct LockStatus: Sendable, Codable, Equatable {
    public var held: Bool
    /// The holder's PID, when it has written it.
    public var pid: Int32?

    public init(held: Bool, pid: Int32?) {
        self.held = held
        self.pid = pid
    }

    /// Probes `<databasePath>.lock` without taking it.
    public static func probe(databasePath: String) -> LockStatus {
        let holder = RunLock.probe(databasePath: databasePath)
        return LockStatus(held: holder.held, pid: holder.pid)
    }
}

/// `audience-sync status`: the lock and every directory's status.
public struct StoreStatus: Sendable, Codable, Equatable {
    public var database: String
    public var lock: LockStatus
    public var directories: [DirectoryStatus]
}

extension AudienceStore {
    /// The status of every directory with members or runs, in one read transaction (a consistent snapshot).
    ///
    /// - Returns: one ``DirectoryStatus`` per directory, ordered by directory id.
    /// - Throws: `StoreError` when the database cannot be read.
    public func directoryStatuses() throws -> [DirectoryStatus] {
        try read("reading the status") { db in
            let directories = try String.fetchAll(
                db, sql: "SELECT directory FROM members UNION SELECT directory FROM runs ORDER BY 1")
            return try directories.map { try Self.status(of: $0, db: db) }
        }
    }

    /// ``directoryStatuses()`` plus the run lock.
    public func status() throws -> StoreStatus {
        StoreStatus(database: path, lock: LockStatus.probe(databasePath: path), directories: try directoryStatuses())
    }

    private static let briefColumns =
        "id, command, started_at, ended_at, outcome, exit_code, message, added, updated, removed, rejected, pid"

    private static func status(of directory: String, db: Database) throws -> DirectoryStatus {
        let members =
            try Int.fetchOne(db, sql: "SELECT count(*) FROM members WHERE directory = ?", arguments: [directory]) ?? 0
        // runs_by_directory (directory, id) serves each of these newest-first scans.
        let lastRun = try Row.fetchOne(
            db,
            sql: """
                SELECT \(briefColumns) FROM runs WHERE directory = ? AND outcome != 'running' ORDER BY id DESC LIMIT 1
                """, arguments: [directory]
        ).map(brief)
        let lastSuccess = try Row.fetchOne(
            db,
            sql: """
                SELECT \(briefColumns) FROM runs WHERE directory = ? AND outcome IN ('applied', 'unchanged')
                ORDER BY id DESC LIMIT 1
                """, arguments: [directory]
        ).map(brief)
        let running = try Row.fetchAll(
            db,
            sql: "SELECT \(briefColumns) FROM runs WHERE directory = ? AND outcome = 'running' ORDER BY id DESC",
            arguments: [directory]
        ).map(brief)
        let held = try Row.fetchAll(
            db,
            sql: """
                SELECT id, started_at, added, updated, removed, members_before FROM runs
                WHERE directory = ? AND plan_state = 'pending' ORDER BY id DESC
                """, arguments: [directory]
        ).map {
            HeldRunBrief(
                id: $0[0], startedAt: $0[1], added: $0[2], updated: $0[3], removed: $0[4], membersBefore: $0[5])
        }
        return DirectoryStatus(
            directory: directory, members: members, lastRun: lastRun, lastSuccess: lastSuccess, heldRuns: held,
            running: running)
    }

    private static func brief(_ row: Row) -> RunBrief {
        RunBrief(
            id: row["id"], command: row["command"], startedAt: row["started_at"], endedAt: row["ended_at"],
            outcome: row["outcome"], exitCode: row["exit_code"], message: row["message"], added: row["added"],
            updated: row["updated"], removed: row["removed"], rejected: row["rejected"], pid: row["pid"])
    }
}

extension Timestamp {
    /// Parses a stored RFC 3339 timestamp (with or without fractional seconds).
    public static func date(from text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
