import Foundation
import Logging

extension DirectorySync {
    /// Records a file-level failure in the history; the audience itself is untouched.
    func record(
        _ error: ValidationError, rejections: RejectionLog, request: SyncRequest, files: [FileFingerprint],
        context: RunContext
    ) {
        guard let runID = context.id, !context.hasEnded else { return }
        var counts = ChangeCounts()
        counts.rejected = rejections.count
        do {
            try store.write("recording the run") { db in
                try RunLog.finish(
                    db: db, runID: runID, outcome: "rejected", exitCode: error.exitCode, message: error.description,
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
        context: RunContext, attributes: AttributeSelection, files: [FileFingerprint], message: String
    ) throws {
        guard let runID = context.id else { return }
        try store.write("recording the run") { db in
            try RunLog.finish(
                db: db, runID: runID, outcome: SyncReport.Outcome.unchanged.rawValue, exitCode: 0, message: message,
                attributes: attributes, counts: ChangeCounts(), files: files, rejections: RejectionLog(),
                membersAfter: nil)
        }
    }

    /// Logs each rejected row kept in detail (`csv.rejected`: file, line, column, reason; never the row).
    static func logRejections(_ rejections: RejectionLog, logger: Logger, limit: Int = 1000) {
        for rejection in rejections.entries.prefix(limit) {
            var metadata: Logger.Metadata = [
                "event": "csv.rejected", "file": "\(rejection.file)", "line": .stringConvertible(rejection.line),
                "reason": "\(rejection.reason)",
            ]
            if let column = rejection.column { metadata["column"] = .stringConvertible(column) }
            logger.warning("row rejected", metadata: metadata)
        }
    }
}
