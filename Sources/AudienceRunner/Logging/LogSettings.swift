#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// The format and level the process logs with, resolved from flags, the configuration file and the environment.
public struct LogSettings: Sendable, Equatable {
    /// The environment variable whose level, when valid, overrides every other source.
    public static let levelEnvironmentVariable = "AUDIENCE_SYNC_LOG_LEVEL"

    /// The line format.
    public var format: LogFormat
    /// The least severe level written.
    public var level: Logger.Level

    /// Creates settings from already-resolved values.
    public init(format: LogFormat, level: Logger.Level) {
        self.format = format
        self.level = level
    }

    /// Resolves the settings; the first source that gives a value wins.
    ///
    /// - Parameters:
    ///   - format: `--log-format`, else the configuration file's `log_format`; nil for neither.
    ///   - level: `--log-level`, else the configuration file's `log_level`; nil for neither.
    ///   - defaultLevel: The level when no source gives one.
    ///   - environment: The process environment; ``levelEnvironmentVariable`` beats `level`.
    ///   - standardErrorIsTerminal: Picks the default format: text for a terminal, JSON lines otherwise.
    /// - Returns: The settings, and the value of ``levelEnvironmentVariable`` when it is set but names no level
    ///   (the caller should warn once logging works).
    public static func resolve(
        format: LogFormat?, level: Logger.Level?, defaultLevel: Logger.Level = .info,
        environment: [String: String], standardErrorIsTerminal: Bool
    ) -> (settings: LogSettings, invalidEnvironmentLevel: String?) {
        var invalid: String?
        var environmentLevel: Logger.Level?
        if let name = environment[levelEnvironmentVariable], !name.isEmpty {
            environmentLevel = Logger.Level(parsing: name)
            if environmentLevel == nil { invalid = name }
        }
        let settings = LogSettings(
            format: format ?? (standardErrorIsTerminal ? .text : .json),
            level: environmentLevel ?? level ?? defaultLevel)
        return (settings, invalid)
    }

    /// True when standard error is a terminal.
    public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

    /// A handler writing in this format at this level.
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - metadataProvider: Contextual metadata merged into every event.
    ///   - sink: Where lines go.
    /// - Returns: A ``JSONLogHandler`` or a ``TextLogHandler``.
    public func makeHandler(
        label: String, metadataProvider: Logger.MetadataProvider? = nil, sink: LogSink = .standardError
    ) -> any LogHandler {
        switch format {
        case .json: JSONLogHandler(label: label, level: level, metadataProvider: metadataProvider, sink: sink)
        case .text: TextLogHandler(label: label, level: level, metadataProvider: metadataProvider, sink: sink)
        }
    }
}

extension LogFormat {
    /// Parses `text` or `json`, ignoring case and surrounding spaces.
    public init?(parsing text: String) {
        self.init(rawValue: text.trimmingSpaces().lowercased())
    }
}

extension Logger.Level {
    /// Parses a swift-log level name (`trace` … `critical`), ignoring case and surrounding spaces.
    public init?(parsing text: String) {
        self.init(rawValue: text.trimmingSpaces().lowercased())
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(scalars[first...last])
    }
}
