import ArgumentParser
import AudienceRunner
import Foundation
import Logging

/// Logging for the executable: swift-log bootstrapped once, lines on stderr as JSON or text.
///
/// Precedence, most important first: `AUDIENCE_SYNC_LOG_LEVEL` (level only), `--log-format`/`--log-level`
/// (``bootstrap(format:level:)``), the configuration file (``makeLogger(label:level:format:)``), then the
/// defaults: text at `warning` when stderr is a terminal, JSON lines at `info` otherwise.
enum Logging {
    private struct State {
        var bootstrapped = false
        var warnedAboutEnvironment = false
        var flagFormat: LogFormat?
        var flagLevel: Logger.Level?
        var settings = LogSettings(format: .text, level: .warning)
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var state = State()

    /// The level when neither a flag, the configuration nor the environment sets one.
    static let defaultLevel = Logger.Level.warning
    /// The level for JSON lines when neither a flag, the configuration nor the environment sets one.
    static let defaultJSONLevel = Logger.Level.info

    /// Installs the JSON or text handler for the whole process; later calls only update the flag values.
    ///
    /// Call it first thing in a command's `run()`, with the shared `--log-format`/`--log-level` options.
    ///
    /// - Parameters:
    ///   - format: `--log-format`; nil picks text on a terminal, JSON lines otherwise (or the configuration's).
    ///   - level: `--log-level`; nil defers to the configuration, then `warning`. `AUDIENCE_SYNC_LOG_LEVEL` wins.
    static func bootstrap(format: LogFormat?, level: Logger.Level?) {
        let invalid: String? = lock.withLock {
            if let format { state.flagFormat = format }
            if let level { state.flagLevel = level }
            let invalid = resolve(format: nil, level: nil)
            if !state.bootstrapped {
                state.bootstrapped = true
                LoggingSystem.bootstrap(
                    { label, provider in
                        let settings = lock.withLock { state.settings }
                        return settings.makeHandler(label: label, metadataProvider: provider)
                    }, metadataProvider: nil)
            }
            guard let invalid, !state.warnedAboutEnvironment else { return nil }
            state.warnedAboutEnvironment = true
            return invalid
        }
        if let invalid {
            makeLogger().warning(
                "AUDIENCE_SYNC_LOG_LEVEL names no log level; it is ignored",
                metadata: [LogField.event: "log.level_invalid", "value": "\(invalid)"])
        }
    }

    /// A logger in the bootstrapped format, bootstrapping with the defaults first if no command did.
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - level: The configuration file's `log_level`; `--log-level` and `AUDIENCE_SYNC_LOG_LEVEL` beat it.
    ///   - format: The configuration file's `log_format`; `--log-format` beats it. Pass nil when the file sets none,
    ///     so that the default follows stderr (text on a terminal, JSON lines otherwise).
    /// - Returns: A logger writing to stderr.
    static func makeLogger(label: String = "audience-sync", level: Logger.Level? = nil, format: LogFormat? = nil)
        -> Logger
    {
        if !(lock.withLock { state.bootstrapped }) { bootstrap(format: nil, level: nil) }
        let settings = lock.withLock {
            _ = resolve(format: format, level: level)
            return state.settings
        }
        var logger = Logger(label: label) { label in settings.makeHandler(label: label) }
        logger.logLevel = settings.level
        return logger
    }

    /// Recomputes `state.settings`; the caller holds `lock`. Returns an invalid environment level, if any.
    private static func resolve(format: LogFormat?, level: Logger.Level?) -> String? {
        func settle(_ defaultLevel: Logger.Level) -> (LogSettings, String?) {
            LogSettings.resolve(
                format: state.flagFormat ?? format, level: state.flagLevel ?? level, defaultLevel: defaultLevel,
                environment: ProcessInfo.processInfo.environment,
                standardErrorIsTerminal: LogSettings.standardErrorIsTerminal)
        }
        var (settings, invalid) = settle(defaultLevel)
        // JSON lines go to a journal or a log shipper: there the run's events (run.start ... run.end)
        // are the point, so their default level is info. On a terminal the report on stdout says it.
        if settings.format == .json { (settings, invalid) = settle(defaultJSONLevel) }
        state.settings = settings
        return invalid
    }
}

extension LogFormat: ExpressibleByArgument {
    /// Parses `--log-format text|json`, ignoring case.
    public init?(argument: String) { self.init(parsing: argument) }
}

extension Logger.Level: @retroactive ExpressibleByArgument {
    /// Parses `--log-level trace|debug|info|notice|warning|error|critical`, ignoring case.
    public init?(argument: String) { self.init(parsing: argument) }
}
