import Logging

/// Everything `audience-sync` reads from its YAML configuration file.
///
/// Built by ``load(path:environment:)``; see `deploy/audience-sync.example.yaml` for every key.
public struct RunnerConfiguration: Sendable, Equatable {
    /// The absolute path of the file this configuration was read from ("" when built in memory).
    public var configurationFile: String
    /// `database`: the SQLite audience database.
    public var databasePath: String
    /// `staging_dir`: where downloads land before they are validated and applied.
    public var stagingDirectory: String
    /// `metrics_file`: a Prometheus text file rewritten after each run; nil for none.
    public var metricsFile: String?
    /// `keep_runs`: how many runs the history keeps before older ones are pruned.
    public var keepRuns: Int
    /// `keep_staged`: keep the downloaded files in the staging folder after a successful apply (default false:
    /// they hold personal data and are deleted).
    public var keepStaged = false
    /// `log_format`: `text` or `json` (one JSON object per line).
    public var logFormat: LogFormat
    /// `log_level`: swift-log's level names, `trace` to `critical`.
    public var logLevel: Logger.Level
    /// `directories`, in file order; ids are unique.
    public var directories: [DirectoryConfiguration]

    /// Default for `keep_runs`.
    public static let defaultKeepRuns = 1000

    /// Creates a configuration in memory, e.g. for tests; files normally come from ``load(path:environment:)``.
    public init(
        configurationFile: String = "", databasePath: String, stagingDirectory: String, metricsFile: String? = nil,
        keepRuns: Int = RunnerConfiguration.defaultKeepRuns, logFormat: LogFormat = .text,
        logLevel: Logger.Level = .info, directories: [DirectoryConfiguration]
    ) {
        self.configurationFile = configurationFile
        self.databasePath = databasePath
        self.stagingDirectory = stagingDirectory
        self.metricsFile = metricsFile
        self.keepRuns = keepRuns
        self.logFormat = logFormat
        self.logLevel = logLevel
        self.directories = directories
    }

    /// The directory with this id, if configured.
    public func directory(id: String) -> DirectoryConfiguration? {
        directories.first { $0.id == id }
    }

    /// Checks the private key, passphrase and known_hosts files of every directory.
    ///
    /// - Throws: The first ``ConfigurationError`` found; see ``DirectoryConfiguration/checkKeyPermissions()``.
    public func checkKeyPermissions() throws(ConfigurationError) {
        for directory in directories { try directory.checkKeyPermissions() }
    }
}

/// How log lines are written.
public enum LogFormat: String, Sendable, CaseIterable {
    /// Human-readable lines.
    case text
    /// One JSON object per line, for journald or a log shipper.
    case json
}
