import Foundation
import Logging

/// `approve`: applies exactly the plan of a held run, or refuses and says why.
///
/// The held run's files (kept in the staging folder for SFTP runs, the original paths for `import`)
/// must still have the size and SHA-256 recorded when the run was held: the run hashes them before it
/// parses them and refuses any other content. They are applied again with the removal guard off; the run checks inside its transaction that the directory has not changed since
/// and that the plan is the held one (``PlanApproval``), so what is applied is what was reviewed.
public struct PlanApprover {
    public let store: AudienceStore
    public var logger: Logger

    public init(store: AudienceStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Applies the plan of held run `runID`, recorded as a new `approve` run with the approver's OS user.
    ///
    /// - Returns: the new run's report.
    /// - Throws: `PlanError` when the run is not pending, its files changed or the audience changed;
    ///   `ValidationError`/`StoreError` as for any run. Nothing is applied then.
    public func approve(runID: Int64, approvedBy: String = OSUser.name) throws -> SyncReport {
        let held = try store.requireRun(runID, pending: true)
        // Only what a stat can tell is checked here; the SHA-256s are compared with the hashes the run
        // itself takes of the files it applies (``PlanApproval/checkFiles(_:)``), so each file is hashed once.
        var paths: [String: String] = [:]
        for file in held.files {
            var info = stat()
            guard let path = file.path, stat(path, &info) == 0 else {
                throw PlanError.fileChanged(
                    runID: runID, file: file.path ?? file.name, reason: "is no longer there (the held files were removed)")
            }
            guard Int64(info.st_size) == file.bytes else {
                throw PlanError.fileChanged(
                    runID: runID, file: path,
                    reason: "has changed since the run was held (\(info.st_size) bytes, was \(file.bytes))")
            }
            paths[file.role] = path
        }
        guard let users = paths["users"] else {
            throw PlanError.fileChanged(runID: runID, file: "users.csv", reason: "is not recorded with the held run")
        }
        var request = SyncRequest(
            directory: held.directory, usersPath: users, groupsPath: paths["groups"], catalogPath: paths["catalog"],
            attributes: try AttributeSelection(parsing: held.attributes),
            removalGuard: RemovalGuard(disabled: true), rejectLimit: RejectLimit(maxPercent: 100, minimumCount: .max),
            dryRun: false, skipUnchanged: false, command: "approve")
        for file in held.files {
            if let size = file.remoteSize, let modified = file.remoteModified {
                request.remoteStats[file.role] = RemoteStat(size: size, modified: modified)
            }
        }
        request.approval = PlanApproval(
            heldRunID: runID, expected: held.counts, membersBefore: held.membersBefore, files: held.files,
            approvedBy: approvedBy)
        var logger = logger
        logger[metadataKey: "approves_run"] = .stringConvertible(runID)
        return try DirectorySync(store: store, logger: logger).run(request)
    }
}
