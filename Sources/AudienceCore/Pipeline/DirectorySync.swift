import Foundation
import GRDB
import Logging

/// Applies one snapshot to one directory: fingerprint → parse and validate → diff → guard → apply → record.
///
/// Everything the run changes is written in one IMMEDIATE transaction, so a failure or a kill at
/// any point leaves the audience exactly as it was; a dry run reads in a deferred read transaction. The run itself is recorded in the history,
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

    /// Runs the request as a run of its own: writes its history row, logs `run.start` and exactly one `run.end`.
    ///
    /// - Returns: the report; its `exitCode` is 0, or 65 when the guard held the run.
    /// - Throws: `ValidationError` for file-level problems (recorded as a `rejected` run), `StoreError`
    ///   for database problems. In every case the audience is unchanged.
    public func run(_ request: SyncRequest) throws -> SyncReport {
        let context = try RunContext.begin(
            store: store, directory: request.directory, command: request.command, dryRun: request.dryRun, logger: logger)
        do {
            let report = try run(request, context: context)
            context.end(outcome: report.outcome.rawValue, exitCode: report.exitCode, counts: report.counts)
            return report
        } catch {
            let code =
                (error as? ValidationError)?.exitCode ?? (error as? StoreError)?.exitCode ?? (error as? PlanError)?.exitCode
                ?? 74
            if !(error is ValidationError) && !context.hasEnded {
                context.recordFailure(outcome: error is PlanError ? "refused" : "failed", exitCode: code, message: "\(error)")
            }
            context.end(
                outcome: error is ValidationError ? "rejected" : error is PlanError ? "refused" : "failed", exitCode: code,
                message: "\(error)")
            throw error
        }
    }

    /// Runs the request inside a run that the caller started and ends (the SFTP runner's).
    ///
    /// Records the outcome in the history (applied, unchanged, held, rejected), not `run.end`.
    public func run(_ request: SyncRequest, context: RunContext) throws -> SyncReport {
        let started = context.started
        let logger = context.logger
        let inputs: [(role: String, path: String, name: String, bytes: Int64)]
        do {
            inputs = try Self.inputs(request)
        } catch {
            // Recorded like any refused file; otherwise the run's row would stay `running`.
            record(error, rejections: RejectionLog(), request: request, files: [], context: context)
            throw error
        }
        let names = Dictionary(uniqueKeysWithValues: inputs.map { ($0.role, $0.name) })
        let last =
            request.skipUnchanged && !request.dryRun
            ? try store.read("reading the history", { try RunLog.lastApplied(db: $0, directory: request.directory) }) : nil
        // Hashing runs beside parsing. Only when the sizes match the last applied run can the
        // files be unchanged; then the hashes are awaited first, and an unchanged run stops here.
        let digests = FingerprintTask(inputs, remote: request.remoteStats, known: request.knownDigests)
        if let last, last.attributes == request.attributes.description,
            Self.sameSizes(last.files, inputs), Self.sameContent(last.files, try digests.wait())
        {
            let files = try digests.wait()
            for file in files {
                logger.info(
                    "file unchanged since the last applied run",
                    metadata: ["event": "file.unchanged", "file": "\(file.name)", "sha256": "\(file.sha256)"])
            }
            if let runID = context.id {
                try store.write("recording the run") { db in
                    try RunLog.finish(
                        db: db, runID: runID, outcome: SyncReport.Outcome.unchanged.rawValue, exitCode: 0,
                        message: "files unchanged", attributes: request.attributes, counts: ChangeCounts(), files: files,
                        rejections: RejectionLog(), membersAfter: nil)
                }
            }
            return SyncReport(
                directory: request.directory, outcome: .unchanged, runID: context.id, counts: ChangeCounts(),
                rejections: RejectionLog(), files: files, warnings: [], removalSample: [], membersBefore: 0)
        }

        if let approval = request.approval {
            // Before parsing, so that a replaced file is refused as changed, not for what its new content holds.
            let files: [FileFingerprint]
            do { files = try digests.wait() } catch {
                record(error, rejections: RejectionLog(), request: request, files: [], context: context)
                throw error
            }
            try approval.checkFiles(files)
        }
        do {
            return try plan(request, digests: digests, names: names, context: context)
        } catch let refused as SnapshotRefused {
            Self.logRejections(refused.rejections, logger: logger)
            record(refused.error, rejections: refused.rejections, request: request, files: try digests.wait(), context: context)
            throw refused.error
        } catch let error as ValidationError {
            record(error, rejections: RejectionLog(), request: request, files: (try? digests.wait()) ?? [], context: context)
            throw error
        }
    }

    private func plan(
        _ request: SyncRequest, digests: FingerprintTask, names: [String: String], context: RunContext
    ) throws -> SyncReport {
        let logger = context.logger
        let usersFile = names["users"]!
        var clock = PhaseClock(logger: logger)
        let users = try UsersScanner(attributes: request.attributes, csvOptions: request.csvOptions)
            .scan(path: request.usersPath, file: usersFile)
        var warnings: [String] = []
        clock.lap("users.scan")
        if !users.layout.unknown.isEmpty {
            warnings.append("\(usersFile): ignoring unknown columns: \(FileLayout.listing(users.layout.unknown)).")
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
                    maxPercent: request.rejectLimit.maxPercent,
                    first: Array(users.rejections.entries.prefix(ValidationError.refusalSample))),
                rejections: users.rejections)
        }
        let scanner = MembershipScanner(csvOptions: request.csvOptions)
        var outcome: SyncReport.Outcome = .applied
        var report: SyncReport?
        // A dry run writes nothing, so it reads in a read transaction: it must not queue for the write
        // lock behind a long apply, nor hold up one.
        let operation = request.dryRun ? "computing the plan" : "applying the snapshot"
        try store.transaction(operation, readOnly: request.dryRun) { db in
            if let approval = request.approval { try approval.checkUnchanged(db: db) }
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
            var keepMemberships = diff.protected
            if let scan {
                let (result, table) = try scan.wait()
                groups = table
                if request.rejectLimit.exceeded(rejected: result.rejections.count, rows: result.dataRows) {
                    throw SnapshotRefused(
                        error: .tooManyRejects(
                            file: names["groups"]!, rejected: result.rejections.count, rows: result.dataRows,
                            maxPercent: request.rejectLimit.maxPercent,
                            first: Array(result.rejections.entries.prefix(ValidationError.refusalSample))),
                        rejections: result.rejections)
                }
                rejections.append(contentsOf: result.rejections)
                newPairs = result.pairs
                keepMemberships.formUnion(result.protectedMembers)
                if result.unidentifiedRejects > 0 {
                    // Whose memberships the row held is unknown: keep those of everyone who stays a member.
                    for pair in current where !diff.removals.binarySearchContains(PackedMembership.member(pair)) {
                        keepMemberships.insert(PackedMembership.member(pair))
                    }
                }
                clock.lap("memberships.scan")
            }
            if let path = request.catalogPath {
                rejections.append(contentsOf: try scanner.scanCatalog(path: path, file: names["catalog"]!, groups: &groups))
            }
            let memberships = MembershipDiff(
                current: current, new: newPairs, protected: keepMemberships, removedMembers: diff.removals, groups: groups)
            counts.added = diff.added
            counts.updated = diff.updated
            counts.removed = diff.removals.count
            counts.unchanged = diff.unchanged
            counts.rejected = rejections.count
            counts.groupsAdded = memberships.groupsAdded.count
            counts.groupsRemoved = memberships.groupsRemoved.count
            counts.membershipsAdded = memberships.added.count
            counts.membershipsRemoved = memberships.removed.count
            var files = try digests.wait()
            if let approval = request.approval { try approval.checkPlan(counts: counts) }
            report = SyncReport(
                directory: request.directory, outcome: outcome, runID: context.id, counts: counts, rejections: rejections,
                files: files, warnings: warnings, removalSample: try diff.removalSample(db: db),
                membersBefore: diff.membersBefore)
            Self.logRejections(rejections, logger: logger)
            var summary: Logger.Metadata = ["event": "diff.summary", "members_before": .stringConvertible(diff.membersBefore)]
            for (key, value) in counts.fields { summary[key] = .stringConvertible(value) }
            logger.info("diff computed", metadata: summary)
            guard let runID = context.id, outcome != .dryRun else { return }
            if outcome == .held {
                // The plan is kept so that `plan show` can list the people and `approve` can check it.
                for index in files.indices { files[index].path = request.path(role: files[index].role) }
                try applier.writePlan(
                    runID: runID, path: request.usersPath, snapshot: users, diff: diff, attributes: request.attributes)
                try RunLog.supersedePending(db: db, directory: request.directory, except: runID)
                try RunLog.finish(
                    db: db, runID: runID, outcome: SyncReport.Outcome.held.rawValue, exitCode: 65,
                    message: "would remove \(counts.removed) of \(diff.membersBefore) members",
                    attributes: request.attributes, counts: counts, files: files, rejections: rejections,
                    membersAfter: nil, membersBefore: diff.membersBefore, planState: "pending")
                return
            }
            clock.lap("diff.memberships")
            try memberships.apply(db: db, storePath: store.path, directory: request.directory, groups: groups)
            clock.lap("apply.memberships")
            try applier.removeMembers(diff.removals)
            clock.lap("apply.removals")
            let after = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM members WHERE directory = ?", arguments: [request.directory])
            try RunLog.supersedePending(db: db, directory: request.directory, except: request.approval?.heldRunID)
            if let approval = request.approval { try approval.markApproved(db: db) }
            try RunLog.finish(
                db: db, runID: runID, outcome: SyncReport.Outcome.applied.rawValue, exitCode: 0,
                message: request.approval.map { "applied the plan of held run \($0.heldRunID)" },
                attributes: request.attributes, counts: counts, files: files, rejections: rejections,
                membersAfter: after, membersBefore: diff.membersBefore, approvesRun: request.approval?.heldRunID)
        }
        clock.lap("commit")
        guard let report else { fatalError("the transaction always produces a report") }
        if outcome == .held {
            logger.warning(
                "removal guard held the run",
                metadata: [
                    "event": "guard.held", "removed": .stringConvertible(report.counts.removed),
                    "members_before": .stringConvertible(report.membersBefore),
                ])
        } else if outcome == .applied {
            logger.notice(
                "transaction committed",
                metadata: [
                    "event": "apply.commit", "added": .stringConvertible(report.counts.added),
                    "updated": .stringConvertible(report.counts.updated),
                    "removed": .stringConvertible(report.counts.removed),
                ])
        }
        return report
    }
}

/// A file-level rejection that carries the rows that caused it, so the history keeps them.
struct SnapshotRefused: Error {
    var error: ValidationError
    var rejections: RejectionLog
}
