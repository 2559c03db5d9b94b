import ArgumentParser
import AudienceCore
import AudienceRunner
import Logging

/// `--metrics-file` and `--keep-runs`, shared by the commands that run syncs (sync, watch, import).
struct HousekeepingOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Rewrite this Prometheus text file after every run (for node_exporter's textfile collector). "
                + "Default: the configuration's metrics_file, else none.",
            valueName: "path"))
    var metricsFile: String?

    @Option(
        help: ArgumentHelp(
            "Keep this many runs per directory in the history; older ones and their rejected rows are pruned "
                + "after each run (held runs still pending are kept). Default: the configuration's keep_runs, else 1000.",
            valueName: "n"))
    var keepRuns: Int?

    func validate() throws {
        if let keepRuns, keepRuns < 1 { throw ArgumentParser.ValidationError("--keep-runs must be at least 1.") }
        if metricsFile?.isEmpty == true { throw ArgumentParser.ValidationError("--metrics-file must not be empty.") }
    }

    /// The configuration with the flags applied: a flag wins over the file.
    func apply(to configuration: RunnerConfiguration) -> RunnerConfiguration {
        var configuration = configuration
        if let metricsFile { configuration.metricsFile = metricsFile }
        if let keepRuns { configuration.keepRuns = keepRuns }
        return configuration
    }

    /// For `import`, which has no configuration file.
    func housekeeping(logger: Logger) -> RunHousekeeping {
        RunHousekeeping(metricsFile: metricsFile, keepRuns: keepRuns ?? RunnerConfiguration.defaultKeepRuns, logger: logger)
    }

    /// Warns (log line `startup.permissions` and stderr) when the personal data at rest is open to others.
    static func checkPermissions(databasePath: String, stagingDirectory: String?, logger: Logger) {
        let findings = DataPermissions.warn(databasePath: databasePath, stagingDirectory: stagingDirectory, logger: logger)
        for finding in findings { Output.warning(finding.description) }
    }
}
