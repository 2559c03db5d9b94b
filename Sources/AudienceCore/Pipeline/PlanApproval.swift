import Foundation
import GRDB

/// What `approve` asks of a run: apply exactly the plan of a held run, or nothing.
///
/// The run re-reads the held run's files with the guard off; their SHA-256s, taken by the run, must be
/// the held ones (``checkFiles(_:)``) before anything is parsed. Inside
/// its transaction it checks that the directory has not changed since the hold (no later applied
/// run, the same member count) and that the plan it computed has the held plan's counts; otherwise it
/// rolls back and says why.
public struct PlanApproval: Sendable {
    public var heldRunID: Int64
    public var expected: ChangeCounts
    public var membersBefore: Int?
    /// The held run's files, with the SHA-256s they had when it was held.
    public var files: [FileFingerprint]
    /// Who approved: the OS user.
    public var approvedBy: String

    public init(
        heldRunID: Int64, expected: ChangeCounts, membersBefore: Int?, files: [FileFingerprint] = [],
        approvedBy: String = OSUser.name
    ) {
        self.heldRunID = heldRunID
        self.expected = expected
        self.membersBefore = membersBefore
        self.files = files
        self.approvedBy = approvedBy
    }

    /// The files the run read must be the held run's, byte for byte (same size and SHA-256).
    ///
    /// - Parameter now: the fingerprints the run took of the files it applies.
    /// - Throws: `PlanError.fileChanged` (exit 66) naming the first file that differs.
    func checkFiles(_ now: [FileFingerprint]) throws {
        for held in files {
            let file = held.path ?? held.name
            guard let current = now.first(where: { $0.role == held.role }) else {
                throw PlanError.fileChanged(runID: heldRunID, file: file, reason: "is not among the files read now")
            }
            guard current.sha256 == held.sha256, current.bytes == held.bytes else {
                throw PlanError.fileChanged(
                    runID: heldRunID, file: file,
                    reason: "has changed since the run was held (SHA-256 \(current.sha256), was \(held.sha256))")
            }
        }
    }

    func checkUnchanged(db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT directory, outcome, plan_state FROM runs WHERE id = ?", arguments: [heldRunID])
        else { throw PlanError.notFound(runID: heldRunID) }
        let directory: String = row["directory"]
        // Optional: a run that was never held has a NULL plan_state, and decoding NULL as String traps.
        let state: String? = row["plan_state"]
        guard row["outcome"] == "held", state == "pending" else {
            throw PlanError.notPending(runID: heldRunID, state: state ?? row["outcome"])
        }
        if let later = try Int64.fetchOne(
            db, sql: "SELECT min(id) FROM runs WHERE directory = ? AND id > ? AND outcome = 'applied'",
            arguments: [directory, heldRunID])
        {
            throw PlanError.databaseChanged(runID: heldRunID, reason: "run \(later) applied changes to \(directory) since")
        }
        let members = try Int.fetchOne(db, sql: "SELECT count(*) FROM members WHERE directory = ?", arguments: [directory])
        if let membersBefore, members != membersBefore {
            throw PlanError.databaseChanged(
                runID: heldRunID, reason: "\(directory) has \(members ?? 0) members now, \(membersBefore) when it was held")
        }
    }

    func checkPlan(counts: ChangeCounts) throws {
        var comparable = counts
        comparable.rejected = expected.rejected
        guard comparable == expected else {
            throw PlanError.planDiffers(runID: heldRunID, held: expected.summary, now: counts.summary)
        }
    }

    func markApproved(db: Database) throws {
        try db.execute(
            sql: "UPDATE runs SET plan_state = 'approved', resolved_by = ?, resolved_at = ? WHERE id = ?",
            arguments: [approvedBy, Timestamp.rfc3339(Date()), heldRunID])
        try db.execute(sql: "DELETE FROM run_plan WHERE run_id = ?", arguments: [heldRunID])
    }
}

/// Why a held run's plan cannot be shown, approved or discarded.
public enum PlanError: Error, CustomStringConvertible, Sendable {
    case notFound(runID: Int64)
    case notPending(runID: Int64, state: String)
    case databaseChanged(runID: Int64, reason: String)
    case fileChanged(runID: Int64, file: String, reason: String)
    case planDiffers(runID: Int64, held: String, now: String)

    public var description: String {
        switch self {
        case .notFound(let id):
            return "run \(id): no such run in the history."
        case .notPending(let id, let state):
            return "run \(id) is not waiting for approval (it is \(state)); nothing was applied."
        case .databaseChanged(let id, let reason):
            return "run \(id) cannot be approved: the audience changed since it was held (\(reason)); "
                + "nothing was applied. Run a new sync or import to get a current plan."
        case .fileChanged(let id, let file, let reason):
            return "run \(id) cannot be approved: \(file) \(reason); nothing was applied."
        case .planDiffers(let id, let held, let now):
            return "run \(id) cannot be approved: the plan would now be \(now), but the held plan was \(held); "
                + "nothing was applied."
        }
    }

    /// 66 when the run or its files are gone, 65 when the state no longer allows it.
    public var exitCode: Int32 {
        switch self {
        case .notFound: return 66
        case .fileChanged: return 66
        case .notPending, .databaseChanged, .planDiffers: return 65
        }
    }
}
