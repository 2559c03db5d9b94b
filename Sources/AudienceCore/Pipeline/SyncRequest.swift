import AudienceCSV

/// One snapshot to apply to one directory: the files and the rules to apply them by.
public struct SyncRequest: Sendable {
    /// The directory's ID; members are keyed by (directory, user_id).
    public var directory: String
    public var usersPath: String
    /// `user_groups.csv`; when nil, the directory's memberships are left as they are.
    public var groupsPath: String?
    /// `groups.csv`, declaring groups that may have no members.
    public var catalogPath: String?
    public var attributes: AttributeSelection
    public var removalGuard: RemovalGuard
    public var rejectLimit: RejectLimit
    /// Compute and report the plan, write nothing.
    public var dryRun: Bool
    /// Skip the work and record "unchanged" when the files' SHA-256s equal the last applied run's.
    public var skipUnchanged: Bool
    /// `import`, `sync` or `approve`, stored in the history.
    public var command: String
    public var csvOptions: CSVOptions
    /// For SFTP runs: each role's remote size and mtime, stored with the run's files.
    public var remoteStats: [String: RemoteStat] = [:]
    /// For SFTP runs: each role's SHA-256 as the download computed it while streaming, so that the run does
    /// not read and hash every file a second time. Trusted only while the local file still has that size.
    public var knownDigests: [String: KnownDigest] = [:]
    /// For `approve`: the held run whose plan this run must reproduce exactly.
    public var approval: PlanApproval?

    public init(
        directory: String, usersPath: String, groupsPath: String? = nil, catalogPath: String? = nil,
        attributes: AttributeSelection = .none, removalGuard: RemovalGuard = RemovalGuard(),
        rejectLimit: RejectLimit = RejectLimit(), dryRun: Bool = false, skipUnchanged: Bool = true,
        command: String = "import", csvOptions: CSVOptions = CSVOptions()
    ) {
        self.directory = directory
        self.usersPath = usersPath
        self.groupsPath = groupsPath
        self.catalogPath = catalogPath
        self.attributes = attributes
        self.removalGuard = removalGuard
        self.rejectLimit = rejectLimit
        self.dryRun = dryRun
        self.skipUnchanged = skipUnchanged
        self.command = command
        self.csvOptions = csvOptions
    }
}

extension SyncRequest {
    /// The path of the file with this role (`users`, `groups`, `catalog`).
    func path(role: String) -> String? {
        switch role {
        case "users": return usersPath
        case "groups": return groupsPath
        case "catalog": return catalogPath
        default: return nil
        }
    }
}

/// A remote file's size and modification time, as the SFTP server reported them.
public struct RemoteStat: Sendable, Equatable {
    public var size: Int64
    /// Seconds since 1970.
    public var modified: Double

    public init(size: Int64, modified: Double) {
        self.size = size
        self.modified = modified
    }
}

/// A file's SHA-256 computed by whoever wrote it (the SFTP download), with the size it was computed over.
public struct KnownDigest: Sendable, Equatable {
    public var bytes: Int64
    /// Lowercase hex.
    public var sha256: String

    public init(bytes: Int64, sha256: String) {
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// When a run would remove too many people it is held instead of applied.
public struct RemovalGuard: Sendable, Equatable {
    /// Hold when removals exceed this percentage of current members (and `minimumCount`).
    public var maxPercent: Double
    /// The percentage rule only applies from this many removals on.
    public var minimumCount: Int
    /// Hold when removals exceed this number, whatever the percentage.
    public var maxCount: Int
    /// `--allow-mass-removal`: apply anyway.
    public var disabled: Bool

    public init(maxPercent: Double = 10, minimumCount: Int = 10, maxCount: Int = 500, disabled: Bool = false) {
        self.maxPercent = maxPercent
        self.minimumCount = minimumCount
        self.maxCount = maxCount
        self.disabled = disabled
    }

    /// Whether removing `removals` of `current` members must be held. A first import (no members) never is.
    public func holds(removals: Int, current: Int) -> Bool {
        guard !disabled, current > 0, removals > 0 else { return false }
        if removals > maxCount { return true }
        return removals >= minimumCount && Double(removals) * 100 > maxPercent * Double(current)
    }
}

/// How many rejected rows a file may have before the whole snapshot is refused.
public struct RejectLimit: Sendable, Equatable {
    /// Refuse when rejected rows exceed this percentage of the data rows...
    public var maxPercent: Double
    /// ...and number at least this many.
    public var minimumCount: Int

    public init(maxPercent: Double = 5, minimumCount: Int = 10) {
        self.maxPercent = maxPercent
        self.minimumCount = minimumCount
    }

    public func exceeded(rejected: Int, rows: Int) -> Bool {
        rejected >= minimumCount && Double(rejected) * 100 > maxPercent * Double(rows)
    }
}
