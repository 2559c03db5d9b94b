import Foundation
import GRDB
import Logging

/// Applies one snapshot to one directory: fingerprint → parse and validate → diff → guard → apply → record.
///
/// Everything the run changes is written in one IMMEDIATE transaction, so a failure or a kill at
/// any point leaves the audience exactly as it was. The run itself is recorded in the history,
/// also when it fails with a file-level error or is held by the guard.
public struct DirectorySync {
    public let store: AudienceStore
    public var logger: Logger

    public init(
        store: AudienceStore, logger: Logger = Logger(label: "audience-sync", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.store = store
        self.logger = logger
    }

    /// Runs the request.
    ///
    /// - Returns: the report; its `exitCode` is 0, or 65 when the guard held the run.
    /// - Throws: `ValidationError` for file-level problems (recorded as a `rejected` run), `StoreError`
    ///   for database problems. In every case the audience is unchanged.
    public func run(_ request: SyncRequest) throws -> SyncReport {
        let started = Date()
        var logger = logger
        logger[metadataKey: "directory"] = "\(request.directory)"
        let inputs = try Self.inputs(request)
        let names = Dictionary(uniqueKeysWithValues: inputs.map { ($0.role, $0.name) })
        let last =
            request.skipUnchanged && !request.dryRun
            ? try store.read("reading the history", { try RunLog.lastApplied(db: $0, directory: request.directory) }) : nil
        // Hashing runs beside parsing. Only when the sizes match the last applied run can the
        // files be unchanged; then the hashes are awaited first, and an unchanged run stops here.
        let digests = FingerprintTask(inputs.map { ($0.role, $0.path, $0.name) }, remote: request.remoteStats)
        if let last, last.attributes == request.attributes.description,
            Self.sameSizes(last.files, inputs), Self.sameContent(last.files, try digests.wait())
        {
            let files = try digests.wait()
            logger.info("files unchanged since the last applied run", metadata: ["event": "file.unchanged"])
            let runID = try store.write("recording the run") { db in
                try RunLog.record(
                    db: db, directory: request.directory, command: request.command, startedAt: started,
                    outcome: SyncReport.Outcome.unchanged.rawValue, exitCode: 0, message: "files unchanged",
                    attributes: request.attributes, counts: ChangeCounts(), files: files, rejections: RejectionLog(),
                    membersAfter: nil)
            }
            return SyncReport(
                directory: request.directory, outcome: .unchanged, runID: runID, counts: ChangeCounts(),
                rejections: RejectionLog(), files: files, warnings: [], removalSample: [], membersBefore: 0)
        }

        do {
            return try plan(request, digests: digests, names: names, started: started, logger: logger)
        } catch let refused as SnapshotRefused {
            record(refused.error, rejections: refused.rejections, request: request, files: try digests.wait(), started: started)
            throw refused.error
        } catch let error as ValidationError {
            record(error, rejections: RejectionLog(), request: request, files: (try? digests.wait()) ?? [], started: started)
            throw error
        }
    }

    /// Records a file-level failure in the history; the audience itself is untouched.
    private func record(
        _ error: ValidationError, rejections: RejectionLog, request: SyncRequest, files: [FileFingerprint], started: Date
    ) {
        guard !request.dryRun else { return }
        var counts = ChangeCounts()
        counts.rejected = rejections.count
        do {
            _ = try store.write("recording the run") { db in
                try RunLog.record(
                    db: db, directory: request.directory, command: request.command, startedAt: started,
                    outcome: "rejected", exitCode: error.exitCode, message: error.description,
                    attributes: request.attributes, counts: counts, files: files, rejections: rejections,
                    membersAfter: nil)
            }
        } catch {
            logger.error("could not record the run", metadata: ["event": "run.record_failed", "error": "\(error)"])
        }
    }

    /// The files of the directory's last applied (or confirmed unchanged) run, with the attributes it used.
    public func lastApplied(directory: String) throws -> (files: [FileFingerprint], attributes: String)? {
        try store.read("reading the history") { try RunLog.lastApplied(db: $0, directory: directory) }
    }

    /// Records a run that found the same remote files as the last applied one and so skipped
    /// the download; the stored file identities are the last run's.
    public func recordUnchanged(
        directory: String, command: String, started: Date, attributes: AttributeSelection, files: [FileFingerprint],
        message: String
    ) throws -> Int64 {
        try store.write("recording the run") { db in
            try RunLog.record(
                db: db, directory: directory, command: command, startedAt: started,
                outcome: SyncReport.Outcome.unchanged.rawValue, exitCode: 0, message: message, attributes: attributes,
                counts: ChangeCounts(), files: files, rejections: RejectionLog(), membersAfter: nil)
        }
    }

    /// Records a run that ended before any file was applied (not ready, unreachable, refused key...).
    public func recordFailure(directory: String, command: String, started: Date, outcome: String, exitCode: Int32, message: String) {
        do {
            _ = try store.write("recording the run") { db in
                try RunLog.record(
                    db: db, directory: directory, command: command, startedAt: started, outcome: outcome,
                    exitCode: exitCode, message: message, attributes: .none, counts: ChangeCounts(), files: [],
                    rejections: RejectionLog(), membersAfter: nil)
            }
        } catch {
            logger.error("could not record the run", metadata: ["event": "run.record_failed", "error": "\(error)"])
        }
    }

    /// Whether two file sets have the same roles, sizes and SHA-256s (names may differ).
    static func sameContent(_ lhs: [FileFingerprint], _ rhs: [FileFingerprint]) -> Bool {
        func key(_ files: [FileFingerprint]) -> [String] { files.map { "\($0.role) \($0.bytes) \($0.sha256)" }.sorted() }
        return key(lhs) == key(rhs)
    }

    /// The run's input files with their sizes; a missing file fails here, before any work.
    static func inputs(_ request: SyncRequest) throws(ValidationError) -> [(role: String, path: String, name: String, bytes: Int64)] {
        var inputs = [("users", request.usersPath)]
        if let path = request.groupsPath { inputs.append(("groups", path)) }
        if let path = request.catalogPath { inputs.append(("catalog", path)) }
        return try inputs.map { role, path throws(ValidationError) in
            var info = stat()
            guard stat(path, &info) == 0 else {
                if errno == ENOENT { throw .missingFile(path: path) }
                throw .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            return (role, path, (path as NSString).lastPathComponent, Int64(info.st_size))
        }
    }

    static func sameSizes(_ files: [FileFingerprint], _ inputs: [(role: String, path: String, name: String, bytes: Int64)]) -> Bool {
        files.map { "\($0.role) \($0.bytes)" }.sorted() == inputs.map { "\($0.role) \($0.bytes)" }.sorted()
    }

    private func plan(
        _ request: SyncRequest, digests: FingerprintTask, names: [String: String], started: Date, logger: Logger
    ) throws -> SyncReport {
        let usersFile = names["users"]!
        var clock = PhaseClock(logger: logger)
        let users = try UsersScanner(attributes: request.attributes, csvOptions: request.csvOptions)
            .scan(path: request.usersPath, file: usersFile)
        var warnings: [String] = []
        clock.lap("users.scan")
        if !users.layout.unknown.isEmpty {
            warnings.append("\(usersFile): ignoring unknown columns: \(users.layout.unknown.joined(separator: ", ")).")
        }
        if users.unidentifiedRejects > 0 {
            warnings.append(
                "\(usersFile): \(users.unidentifiedRejects) rejected rows have no usable user_id or span several lines; "
                    + "members missing from the file are kept this run.")
        }
        if request.rejectLimit.exceeded(rejected: users.rejections.count, rows: users.rows.count) {
            throw SnapshotRefused(
                error: .tooManyRejects(
                    file: usersFile, rejected: users.rejections.count, rows: users.rows.count,
                    maxPercent: request.rejectLimit.maxPercent), rejections: users.rejections)
        }
        let scanner = MembershipScanner(csvOptions: request.csvOptions)
        var outcome: SyncReport.Outcome = .applied
        var report: SyncReport?
        let runID: Int64? = try store.write("applying the snapshot") { db in
            let diff = try MemberDiff(snapshot: users, directory: request.directory, db: db)
            clock.lap("diff.members")
            var groups = GroupTable()
            let current = try MembershipDiff.loadCurrent(db: db, directory: request.directory, groups: &groups)
            clock.lap("load.memberships")
            var rejections = users.rejections
            var counts = ChangeCounts()
            counts.dataRows = users.rows.count
            let held = request.removalGuard.holds(removals: diff.removals.count, current: diff.membersBefore)
            outcome = held ? .held : request.dryRun ? .dryRun : .applied
            // user_groups.csv needs no database: it is read on a second core while the members are written.
            let scan = request.groupsPath.map { path in
                let table = groups
                let memberIDs = diff.memberIDs
                return BackgroundWork { () throws -> (MembershipScanner.Result, GroupTable) in
                    var table = table
                    let result = try scanner.scanMemberships(
                        path: path, file: names["groups"]!, users: users, memberIDs: memberIDs, groups: &table)
                    return (result, table)
                }
            }
            let applier = PlanApplier(
                db: db, storePath: store.path, directory: request.directory, csvOptions: request.csvOptions)
            if outcome == .applied {
                try applier.writeMembers(path: request.usersPath, snapshot: users, diff: diff, attributes: request.attributes)
                clock.lap("apply.members")
            }
            var newPairs: [UInt64]?
            if let scan {
                let (result, table) = try scan.wait()
                groups = table
                if request.rejectLimit.exceeded(rejected: result.rejections.count, rows: result.dataRows) {
                    throw SnapshotRefused(
                        error: .tooManyRejects(
                            file: names["groups"]!, rejected: result.rejections.count, rows: result.dataRows,
                            maxPercent: request.rejectLimit.maxPercent), rejections: result.rejections)
                }
                rejections.append(contentsOf: result.rejections)
                newPairs = result.pairs
                clock.lap("memberships.scan")
            }
            if let path = request.catalogPath {
                rejections.append(contentsOf: try scanner.scanCatalog(path: path, file: names["catalog"]!, groups: &groups))
            }
            let memberships = MembershipDiff(
                current: current, new: newPairs, protected: diff.protected, removedMembers: diff.removals, groups: groups)
            counts.added = diff.added
            counts.updated = diff.updated
            counts.removed = diff.removals.count
            counts.unchanged = diff.unchanged
            counts.rejected = rejections.count
            counts.groupsAdded = memberships.groupsAdded.count
            counts.groupsRemoved = memberships.groupsRemoved.count
            counts.membershipsAdded = memberships.added.count
            counts.membershipsRemoved = memberships.removed.count
            let files = try digests.wait()
            report = SyncReport(
                directory: request.directory, outcome: outcome, runID: nil, counts: counts, rejections: rejections,
                files: files, warnings: warnings, removalSample: try diff.removalSample(db: db),
                membersBefore: diff.membersBefore)
            logger.info(
                "diff computed",
                metadata: [
                    "event": "diff.summary", "added": "\(counts.added)", "updated": "\(counts.updated)",
                    "removed": "\(counts.removed)", "unchanged": "\(counts.unchanged)", "rejected": "\(counts.rejected)",
                ])
            guard outcome == .applied else { return nil }
            clock.lap("diff.memberships")
            try memberships.apply(db: db, storePath: store.path, directory: request.directory, groups: groups)
            clock.lap("apply.memberships")
            try applier.removeMembers(diff.removals)
            clock.lap("apply.removals")
            let after = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM members WHERE directory = ?", arguments: [request.directory])
            return try RunLog.record(
                db: db, directory: request.directory, command: request.command, startedAt: started,
                outcome: SyncReport.Outcome.applied.rawValue, exitCode: 0, message: nil, attributes: request.attributes,
                counts: counts, files: files, rejections: rejections, membersAfter: after)
        }
        clock.lap("commit")
        guard var report else { fatalError("the transaction always produces a report") }
        report.runID = runID
        if outcome == .held {
            logger.warning("removal guard held the run", metadata: ["event": "guard.held", "removed": "\(report.counts.removed)"])
        }
        // A dry run writes nothing, not even its history row (it runs without the run lock), also
        // when it reports that the guard would hold the run.
        if outcome == .held && !request.dryRun {
            let held = report
            report.runID = try store.write("recording the run") { db in
                try RunLog.record(
                    db: db, directory: request.directory, command: request.command, startedAt: started,
                    outcome: SyncReport.Outcome.held.rawValue, exitCode: 65,
                    message: "would remove \(held.counts.removed) of \(held.membersBefore) members",
                    attributes: request.attributes, counts: held.counts, files: held.files, rejections: held.rejections,
                    membersAfter: nil)
            }
        } else if outcome == .applied {
            logger.info("transaction committed", metadata: ["event": "apply.commit"])
        }
        return report
    }
}

/// A file-level rejection that carries the rows that caused it, so the history keeps them.
struct SnapshotRefused: Error {
    var error: ValidationError
    var rejections: RejectionLog
}

/// Logs the duration of each phase of a run at debug level (`phase`, `duration_ms`).
struct PhaseClock {
    let logger: Logger
    private var last = ContinuousClock.now

    init(logger: Logger) {
        self.logger = logger
    }

    mutating func lap(_ phase: String) {
        let now = ContinuousClock.now
        let elapsed = now - last
        last = now
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        logger.debug("phase finished", metadata: ["event": "run.phase", "phase": "\(phase)", "duration_ms": "\(milliseconds)"])
    }
}
