import Foundation
import GRDB

/// A person in a held run's plan.
public struct PlanEntry: Sendable, Equatable, Codable {
    /// `add`, `update` or `remove`.
    public var action: String
    public var userID: String
    public var email: String
    public var firstName: String
    public var lastName: String

    enum CodingKeys: String, CodingKey {
        case action
        case userID = "user_id"
        case email
        case firstName = "first_name"
        case lastName = "last_name"
    }
}

extension AudienceStore {
    /// Records where a held run's files are kept, by file name.
    public func setHeldFilePaths(runID: Int64, paths: [String: String]) throws {
        try write("recording the held files") { db in
            for (name, path) in paths {
                try db.execute(
                    sql: "UPDATE run_files SET path = ? WHERE run_id = ? AND name = ?", arguments: [path, runID, name])
            }
        }
    }

    /// The ids of held runs waiting for approval.
    public func pendingRunIDs(directory: String? = nil) throws -> Set<Int64> {
        try read("reading held runs") { db in
            Set(
                try Int64.fetchAll(
                    db, sql: "SELECT id FROM runs WHERE plan_state = 'pending' AND (?1 IS NULL OR directory = ?1)",
                    arguments: [directory]))
        }
    }

    /// One run of the history, or nil.
    public func run(id: Int64) throws -> RunSummary? {
        try read("reading the history") { try RunLog.run(db: $0, id: id) }
    }

    /// One run of the history, for commands that name a run: a missing one is the operator's error.
    ///
    /// - Parameters:
    ///   - id: the run's id.
    ///   - pending: also require a held run whose plan waits for `approve` or `discard`.
    /// - Returns: the run.
    /// - Throws: `PlanError.notFound` (exit 66); with `pending`, `PlanError.notPending` (exit 65) naming
    ///   the plan's state, or the run's outcome when it never had a plan.
    public func requireRun(_ id: Int64, pending: Bool = false) throws -> RunSummary {
        guard let run = try run(id: id) else { throw PlanError.notFound(runID: id) }
        // Only a held run ever gets a plan_state, so a run with one is always `held`.
        if pending, run.outcome != "held" || run.planState != "pending" {
            throw PlanError.notPending(runID: id, state: run.planState ?? run.outcome)
        }
        return run
    }

    /// The people in a held run's plan, in the order add, update, remove, then by user_id.
    ///
    /// - Parameter action: only this action (`add`, `update`, `remove`).
    public func planEntries(runID: Int64, action: String? = nil) throws -> [PlanEntry] {
        try read("reading the plan") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT action, user_id, email, first_name, last_name FROM run_plan
                    WHERE run_id = ?1 AND (?2 IS NULL OR action = ?2)
                    ORDER BY CASE action WHEN 'add' THEN 0 WHEN 'update' THEN 1 ELSE 2 END, user_id
                    """, arguments: [runID, action]
            ).map { PlanEntry(action: $0[0], userID: $0[1], email: $0[2], firstName: $0[3], lastName: $0[4]) }
        }
    }

    /// Drops a held run's plan: it will never be applied. Recorded with who discarded it.
    ///
    /// - Throws: `PlanError` when the run is not a held run waiting for approval.
    public func discardPlan(runID: Int64, by user: String = OSUser.name) throws {
        try write("discarding the plan") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT outcome, plan_state FROM runs WHERE id = ?", arguments: [runID])
            else { throw PlanError.notFound(runID: runID) }
            // Optional: a run that was never held has a NULL plan_state, and decoding NULL as String traps.
            let state: String? = row["plan_state"]
            guard state == "pending" else { throw PlanError.notPending(runID: runID, state: state ?? row["outcome"]) }
            try db.execute(
                sql: "UPDATE runs SET plan_state = 'discarded', resolved_by = ?, resolved_at = ? WHERE id = ?",
                arguments: [user, Timestamp.rfc3339(Date()), runID])
            try db.execute(sql: "DELETE FROM run_plan WHERE run_id = ?", arguments: [runID])
        }
    }
}
