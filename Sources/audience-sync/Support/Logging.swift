import Foundation
import Logging

/// Logging for the executable: bootstrapped once, on stderr.
enum Logging {
    /// A logger at `level`, or at the level named by `AUDIENCE_SYNC_LOG_LEVEL` when set.
    static func makeLogger(label: String = "audience-sync", level: Logger.Level = .warning) -> Logger {
        var logger = Logger(label: label) { label in StreamLogHandler.standardError(label: label) }
        let name = ProcessInfo.processInfo.environment["AUDIENCE_SYNC_LOG_LEVEL"]
        logger.logLevel = name.flatMap(Logger.Level.init(rawValue:)) ?? level
        return logger
    }
}
