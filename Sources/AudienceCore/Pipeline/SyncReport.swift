/// What a run did (or would do), for printing, logging and the history.
public struct SyncReport: Sendable {
    public enum Outcome: String, Sendable, Codable {
        /// The changes were committed.
        case applied
        /// The files equal the last applied ones; nothing was done.
        case unchanged
        /// The removal guard stopped the run; nothing was applied.
        case held
        /// `--dry-run`: the plan was computed, nothing was written.
        case dryRun = "dry-run"
    }

    public var directory: String
    public var outcome: Outcome
    public var runID: Int64?
    public var counts: ChangeCounts
    public var rejections: RejectionLog
    public var files: [FileFingerprint]
    /// Warnings about the files (unknown columns), one line each.
    public var warnings: [String]
    /// People the run removes (or would remove), first 20, for the guard's message.
    public var removalSample: [RemovedMember]
    /// Members of the directory before the run.
    public var membersBefore: Int

    /// 0, or 65 when held by the guard.
    public var exitCode: Int32 { outcome == .held ? 65 : 0 }
}

/// Counts of every kind of change in a run.
public struct ChangeCounts: Sendable, Equatable, Codable {
    public var dataRows = 0
    public var added = 0
    public var updated = 0
    public var removed = 0
    public var unchanged = 0
    public var rejected = 0
    public var groupsAdded = 0
    public var groupsRemoved = 0
    public var membershipsAdded = 0
    public var membershipsRemoved = 0

    public init() {}

    /// Whether the run changes anything at all.
    public var isEmpty: Bool {
        added + updated + removed + groupsAdded + groupsRemoved + membershipsAdded + membershipsRemoved == 0
    }

    /// `3 added, 1 updated, 2 removed, 34 unchanged, 1 rejected`.
    public var summary: String {
        var text = "\(added) added, \(updated) updated, \(removed) removed, \(unchanged) unchanged, \(rejected) rejected"
        if groupsAdded + groupsRemoved + membershipsAdded + membershipsRemoved > 0 {
            text += "; groups +\(groupsAdded) -\(groupsRemoved), memberships +\(membershipsAdded) -\(membershipsRemoved)"
        }
        return text
    }
}

/// A member a run removes, as shown by the guard (user_id and email only).
public struct RemovedMember: Sendable, Equatable, Codable {
    public var userID: String
    public var email: String

    public init(userID: String, email: String) {
        self.userID = userID
        self.email = email
    }
}
