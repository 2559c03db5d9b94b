import AudienceCore
import Foundation
import Prometheus

/// Turns the directories' status into Prometheus text format, for node_exporter's textfile collector.
///
/// Every value is computed from the run history, not kept in memory, so a `sync` from cron and a
/// `watch` write the same numbers, and the last success survives any number of failed runs and
/// restarts. No sample carries a timestamp: the textfile collector refuses them.
public enum MetricsRenderer {
    /// A metric family: its name and HELP text.
    public struct Family: Sendable {
        public var name: String
        public var help: String
    }

    public static let lastRunTimestamp = Family(
        name: "audience_sync_last_run_timestamp_seconds",
        help: "When the directory's last run ended (Unix time).")
    public static let lastSuccessTimestamp = Family(
        name: "audience_sync_last_success_timestamp_seconds",
        help: "When the directory's last applied or unchanged run ended (Unix time); 0 if none ever succeeded.")
    public static let lastRunExitCode = Family(
        name: "audience_sync_last_run_exit_code",
        help: "Exit code of the directory's last run (0 success, 65 held or refused, 75 not ready; see README).")
    public static let lastRunDuration = Family(
        name: "audience_sync_last_run_duration_seconds",
        help: "How long the directory's last run took.")
    public static let members = Family(
        name: "audience_sync_members",
        help: "Members of the directory in the audience database.")
    public static let changes = Family(
        name: "audience_sync_changes_total",
        help: "Members added, updated and removed by the directory's last run (a gauge: the last run only).")
    public static let rejectedRows = Family(
        name: "audience_sync_rejected_rows",
        help: "Rows rejected by the directory's last run.")
    public static let heldRuns = Family(
        name: "audience_sync_held_runs",
        help: "Held runs of the directory waiting for approve or discard.")

    /// Every family, in the order the README lists them.
    public static let families = [
        lastRunTimestamp, lastSuccessTimestamp, lastRunExitCode, lastRunDuration, members, changes, rejectedRows,
        heldRuns,
    ]

    /// Renders one series per directory (three for `changes_total`) with HELP and TYPE lines.
    ///
    /// A directory without a finished run (only members, or only a run in progress) has no
    /// `last_run_*`, `changes_total` or `rejected_rows` series.
    ///
    /// - Parameter statuses: from `AudienceStore.directoryStatuses()`.
    /// - Returns: the file's text.
    public static func render(_ statuses: [DirectoryStatus]) -> String {
        let registry = PrometheusCollectorRegistry()
        func gauge(_ family: Family, _ labels: [(String, String)], _ value: Double) {
            // The full name as metricName: the registry joins the descriptor's parts with "_", skipping empty ones.
            let descriptor = MetricNameDescriptor(metricName: family.name, unitName: "", helpText: family.help)
            registry.makeGauge(descriptor: descriptor, labels: labels).set(value)
        }
        for status in statuses {
            let directory = [("directory", status.directory)]
            gauge(members, directory, Double(status.members))
            gauge(heldRuns, directory, Double(status.heldRuns.count))
            gauge(lastSuccessTimestamp, directory, status.lastSuccess.flatMap(endTime) ?? 0)
            guard let run = status.lastRun else { continue }
            gauge(lastRunTimestamp, directory, endTime(run) ?? 0)
            gauge(lastRunExitCode, directory, Double(run.exitCode))
            gauge(lastRunDuration, directory, run.durationSeconds)
            gauge(rejectedRows, directory, Double(run.rejected))
            for (kind, count) in [("added", run.added), ("updated", run.updated), ("removed", run.removed)] {
                gauge(changes, directory + [("kind", kind)], Double(count))
            }
        }
        return String(decoding: registry.emitToBuffer(), as: UTF8.self)
    }

    private static func endTime(_ run: RunBrief) -> Double? {
        Timestamp.date(from: run.endedAt)?.timeIntervalSince1970
    }
}
