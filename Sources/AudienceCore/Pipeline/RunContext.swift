import Foundation
import Logging

/// One run of one directory: its history id, the logger that stamps `run_id` and `directory` on every
/// line, and its single `run.end`.
///
/// The history row is written when the run starts (outcome `running`), so the id exists before anything
/// is logged and an operator can `history show` the `run_id` of any log line. A run killed before it
/// could record its outcome keeps `running` until the next run marks it `interrupted`. Dry runs write
/// nothing and have no id (`run_id` is null in their log lines).
public final class RunContext: @unchecked Sendable {
    /// The history id; nil for a dry run.
    public let id: Int64?
    public let directory: String
    public let command: String
    public let started: Date
    /// The run's logger, with `run_id` and `directory` set.
    public let logger: Logger
    let store: AudienceStore

    private let lock = NSLock()
    private var ended = false

    nonisolated(unsafe) private static var active: [ObjectIdentifier: RunContext] = [:]
    private static let activeLock = NSLock()

    private init(id: Int64?, directory: String, command: String, started: Date, logger: Logger, store: AudienceStore) {
        self.id = id
        self.directory = directory
        self.command = command
        self.started = started
        self.logger = logger
        self.store = store
    }

    /// Starts a run: writes its history row (unless `dryRun`) and logs `run.start`.
    ///
    /// The caller holds the run lock, so any row still `running` that another process wrote belongs
    /// to a run that was killed; it is marked `interrupted` here.
    /// - Throws: `StoreError` when the history cannot be written.
    public static func begin(
        store: AudienceStore, directory: String, command: String, dryRun: Bool, logger: Logger
    ) throws -> RunContext {
        let started = Date()
        let id: Int64? =
            dryRun
            ? nil
            : try store.write("starting the run") { db in
                try RunLog.markInterrupted(db: db)
                return try RunLog.begin(db: db, directory: directory, command: command, startedAt: started)
            }
        var logger = logger
        logger[metadataKey: "directory"] = "\(directory)"
        logger[metadataKey: "run_id"] = id.map { .stringConvertible($0) }
        let context = RunContext(
            id: id, directory: directory, command: command, started: started, logger: logger, store: store)
        logger.info(
            "run started",
            metadata: [
                "event": "run.start", "command": "\(command)", "dry_run": .stringConvertible(dryRun),
                "pid": .stringConvertible(getpid()),
            ])
        activeLock.withLock { active[ObjectIdentifier(context)] = context }
        return context
    }

    /// Whether `run.end` has been logged (by the run or by a signal handler).
    public var hasEnded: Bool { lock.withLock { ended } }

    /// Logs the run's one `run.end` line; later calls do nothing.
    ///
    /// - Returns: whether this call logged it.
    @discardableResult
    public func end(outcome: String, exitCode: Int32, message: String? = nil, counts: ChangeCounts? = nil) -> Bool {
        let first = lock.withLock {
            defer { ended = true }
            return !ended
        }
        guard first else { return false }
        Self.activeLock.withLock { _ = Self.active.removeValue(forKey: ObjectIdentifier(self)) }
        var metadata: Logger.Metadata = [
            "event": "run.end", "outcome": "\(outcome)", "exit_code": .stringConvertible(exitCode),
            "duration_ms": .stringConvertible(Int((Date().timeIntervalSince(started) * 1000).rounded())),
        ]
        if let message { metadata["reason"] = "\(message)" }
        if let counts {
            for (key, value) in counts.fields { metadata[key] = .stringConvertible(value) }
        }
        // Held (65 with outcome held) and "try again later" (75) need attention, not a page.
        let level: Logger.Level =
            exitCode == 0 ? .notice : (exitCode == 75 || outcome == "held") ? .warning : .error
        logger.log(level: level, "run ended", metadata: metadata)
        return true
    }

    /// Records an outcome without a snapshot (not ready, unreachable, refused key...) in the history.
    public func recordFailure(outcome: String, exitCode: Int32, message: String) {
        guard let id else { return }
        do {
            try store.write("recording the run") { db in
                try RunLog.finish(
                    db: db, runID: id, outcome: outcome, exitCode: exitCode, message: message, attributes: .none,
                    counts: ChangeCounts(), files: [], rejections: RejectionLog(), membersAfter: nil)
            }
        } catch {
            logger.error("could not record the run", metadata: ["event": "run.record_failed", "error": "\(error)"])
        }
    }

    /// Ends every run in progress after a signal: logs its `run.end` (outcome `interrupted`, exit
    /// 128 + signal) and, within `timeout`, records it in the history.
    ///
    /// The apply transaction may hold the database; its statement is interrupted so it rolls back.
    /// When the history cannot be written in time, the next run marks the row `interrupted`.
    public static func interruptAll(signal: Int32, timeout: TimeInterval = 2) {
        let runs = activeLock.withLock { Array(active.values) }
        let name = signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : "signal \(signal)"
        let message = "interrupted by \(name)"
        var pending: [RunContext] = []
        for run in runs where run.end(outcome: "interrupted", exitCode: 128 + signal, message: message) {
            run.store.interrupt()
            pending.append(run)
        }
        guard !pending.isEmpty else { return }
        let ended = pending
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for run in ended { run.recordFailure(outcome: "interrupted", exitCode: 128 + signal, message: message) }
            done.signal()
        }
        _ = done.wait(timeout: .now() + timeout)
    }
}

extension ChangeCounts {
    /// The counts as log fields, snake_case.
    var fields: [(String, Int)] {
        [
            ("data_rows", dataRows), ("added", added), ("updated", updated), ("removed", removed),
            ("unchanged", unchanged), ("rejected", rejected), ("groups_added", groupsAdded),
            ("groups_removed", groupsRemoved), ("memberships_added", membershipsAdded),
            ("memberships_removed", membershipsRemoved),
        ]
    }
}
