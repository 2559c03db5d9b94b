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
        let files = try fingerprints(request)
        let names = Dictionary(uniqueKeysWithValues: files.map { ($0.role, $0.name) })

        if request.skipUnchanged && !request.dryRun,
            let last = try store.read("reading the history", { try RunLog.lastApplied(db: $0, directory: request.directory) }),
            last.attributes == request.attributes.description,
            Self.sameContent(last.files, files)
        {
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
            return try plan(request, files: files, names: names, started: started, logger: logger)
        } catch let refused as SnapshotRefused {
            record(refused.error, rejections: refused.rejections, request: request, files: files, started: started)
            throw refused.error
        } catch let error as ValidationError {
            record(error, rejections: RejectionLog(), request: request, files: files, started: started)
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

    /// Whether two file sets have the same roles, sizes and SHA-256s (names may differ).
    static func sameContent(_ lhs: [FileFingerprint], _ rhs: [FileFingerprint]) -> Bool {
        func key(_ files: [FileFingerprint]) -> [String] { files.map { "\($0.role) \($0.bytes) \($0.sha256)" }.sorted() }
        return key(lhs) == key(rhs)
    }

    private func fingerprints(_ request: SyncRequest) throws(ValidationError) -> [FileFingerprint] {
        var files = [
            try FileDigest.fingerprint(
                path: request.usersPath, role: "users", name: (request.usersPath as NSString).lastPathComponent)
        ]
        if let path = request.groupsPath {
            files.append(try FileDigest.fingerprint(path: path, role: "groups", name: (path as NSString).lastPathComponent))
        }
        if let path = request.catalogPath {
            files.append(try FileDigest.fingerprint(path: path, role: "catalog", name: (path as NSString).lastPathComponent))
        }
        return files
    }

    private func plan(
        _ request: SyncRequest, files: [FileFingerprint], names: [String: String], started: Date, logger: Logger
    ) throws -> SyncReport {
        let usersFile = names["users"]!
        let users = try UsersScanner(attributes: request.attributes, csvOptions: request.csvOptions)
            .scan(path: request.usersPath, file: usersFile)
        var warnings: [String] = []
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
            var groups = GroupTable()
            let current = try MembershipDiff.loadCurrent(db: db, directory: request.directory, groups: &groups)
            var rejections = users.rejections
            var counts = ChangeCounts()
            counts.dataRows = users.rows.count
            var newPairs: [UInt64]?
            if let path = request.groupsPath {
                let scan = try scanner.scanMemberships(
                    path: path, file: names["groups"]!, users: users, memberIDs: diff.memberIDs, groups: &groups)
                if request.rejectLimit.exceeded(rejected: scan.rejections.count, rows: scan.dataRows) {
                    throw SnapshotRefused(
                        error: .tooManyRejects(
                            file: names["groups"]!, rejected: scan.rejections.count, rows: scan.dataRows,
                            maxPercent: request.rejectLimit.maxPercent), rejections: scan.rejections)
                }
                rejections.append(contentsOf: scan.rejections)
                newPairs = scan.pairs
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
            if request.removalGuard.holds(removals: diff.removals.count, current: diff.membersBefore) {
                outcome = .held
            } else if request.dryRun {
                outcome = .dryRun
            }
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
            let applier = PlanApplier(
                db: db, storePath: store.path, directory: request.directory, csvOptions: request.csvOptions)
            try applier.writeMembers(path: request.usersPath, snapshot: users, diff: diff, attributes: request.attributes)
            try memberships.apply(db: db, storePath: store.path, directory: request.directory, groups: groups)
            try applier.removeMembers(diff.removals)
            let after = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM members WHERE directory = ?", arguments: [request.directory])
            return try RunLog.record(
                db: db, directory: request.directory, command: request.command, startedAt: started,
                outcome: SyncReport.Outcome.applied.rawValue, exitCode: 0, message: nil, attributes: request.attributes,
                counts: counts, files: files, rejections: rejections, membersAfter: after)
        }
        guard var report else { fatalError("the transaction always produces a report") }
        report.runID = runID
        if outcome == .held {
            logger.warning("removal guard held the run", metadata: ["event": "guard.held", "removed": "\(report.counts.removed)"])
            let held = report
            report.runID = try store.write("recording the run") { db in
                try RunLog.record(
                    db: db, directory: request.directory, command: request.command, startedAt: started,
                    outcome: SyncReport.Outcome.held.rawValue, exitCode: 65,
                    message: "would remove \(held.counts.removed) of \(held.membersBefore) members",
                    attributes: request.attributes, counts: held.counts, files: files, rejections: held.rejections,
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
