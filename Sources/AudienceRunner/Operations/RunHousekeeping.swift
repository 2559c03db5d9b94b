import AudienceCore
import Logging

/// What follows every run: the history is pruned to `keep_runs`, then the metrics file is rewritten.
///
/// Both come after the run's outcome is recorded, under the run lock. Neither changes the run's
/// exit code: a failure is logged (`history.prune_failed`, `metrics.write_failed`) and the next
/// run tries again.
public struct RunHousekeeping: Sendable {
    /// `--metrics-file` or `metrics_file`; nil writes none.
    public var metricsFile: String?
    /// `--keep-runs` or `keep_runs`: runs kept per directory.
    public var keepRuns: Int
    public var logger: Logger

    public init(metricsFile: String?, keepRuns: Int, logger: Logger) {
        self.metricsFile = metricsFile
        self.keepRuns = keepRuns
        self.logger = logger
    }

    /// The configuration's `metrics_file` and `keep_runs`.
    public init(configuration: RunnerConfiguration, logger: Logger) {
        self.init(metricsFile: configuration.metricsFile, keepRuns: configuration.keepRuns, logger: logger)
    }

    /// Prunes the history of `directories`, then rewrites the metrics file (all directories of the store).
    ///
    /// - Parameters:
    ///   - store: the audience database the runs were recorded in.
    ///   - directories: the directories that just ran.
    public func afterRun(store: AudienceStore, directories: [String]) {
        for directory in directories {
            do {
                let deleted = try store.pruneHistory(directory: directory, keep: max(1, keepRuns))
                if deleted > 0 {
                    logger.event(
                        "history.pruned", "pruned old runs from the history",
                        metadata: [
                            "directory": "\(directory)", "deleted": .stringConvertible(deleted),
                            "keep_runs": .stringConvertible(keepRuns),
                        ])
                }
            } catch {
                logger.event(
                    "history.prune_failed", level: .warning, "could not prune the history",
                    metadata: ["directory": "\(directory)", "reason": "\(error)"])
            }
        }
        writeMetrics(store: store)
    }

    /// Rewrites the metrics file from the history (all directories of the store); a failure is logged.
    ///
    /// Also called alone when a run is interrupted by a signal, so the file shows the `interrupted` run at once.
    public func writeMetrics(store: AudienceStore) {
        guard let metricsFile else { return }
        do {
            try MetricsFile(path: metricsFile).write(from: store)
        } catch {
            logger.event(
                "metrics.write_failed", level: .error, "could not write the metrics file",
                metadata: ["file": "\(metricsFile)", "reason": "\(error)"])
        }
    }
}
