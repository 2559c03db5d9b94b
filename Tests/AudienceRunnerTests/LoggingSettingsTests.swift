import AudienceRunner
import Logging
import Testing

@Suite("Logging: --log-format, --log-level and AUDIENCE_SYNC_LOG_LEVEL")
struct LoggingSettingsTests {
    @Test func theDefaultFormatFollowsStandardError() {
        let terminal = LogSettings.resolve(format: nil, level: nil, environment: [:], standardErrorIsTerminal: true)
        let pipe = LogSettings.resolve(format: nil, level: nil, environment: [:], standardErrorIsTerminal: false)
        #expect(terminal.settings == LogSettings(format: .text, level: .info))
        #expect(pipe.settings == LogSettings(format: .json, level: .info))
    }

    @Test func anExplicitFormatWins() {
        let resolved = LogSettings.resolve(
            format: .json, level: .debug, defaultLevel: .warning, environment: [:], standardErrorIsTerminal: true)
        #expect(resolved.settings == LogSettings(format: .json, level: .debug))
    }

    @Test func theEnvironmentOverridesTheLevel() {
        let resolved = LogSettings.resolve(
            format: .text, level: .error, environment: ["AUDIENCE_SYNC_LOG_LEVEL": "Trace"],
            standardErrorIsTerminal: false)
        #expect(resolved.settings.level == .trace)
        #expect(resolved.invalidEnvironmentLevel == nil)
    }

    @Test func anInvalidEnvironmentLevelIsReportedAndIgnored() {
        let resolved = LogSettings.resolve(
            format: nil, level: .error, environment: ["AUDIENCE_SYNC_LOG_LEVEL": "verbose"],
            standardErrorIsTerminal: false)
        #expect(resolved.settings.level == .error)
        #expect(resolved.invalidEnvironmentLevel == "verbose")
    }

    @Test("Level names parse in any case", arguments: Logger.Level.allCases)
    func levels(level: Logger.Level) {
        #expect(Logger.Level(parsing: level.rawValue.uppercased()) == level)
        #expect(Logger.Level(parsing: " \(level.rawValue) ") == level)
    }

    @Test func formatNamesParse() {
        #expect(LogFormat(parsing: "JSON") == .json)
        #expect(LogFormat(parsing: "text") == .text)
        #expect(LogFormat(parsing: "logfmt") == nil)
        #expect(Logger.Level(parsing: "warn") == nil)
    }

    @Test func theFactoryMakesTheHandlerOfTheFormat() {
        let json = LogSettings(format: .json, level: .notice).makeHandler(label: "x")
        let text = LogSettings(format: .text, level: .debug).makeHandler(label: "x")
        #expect(json is JSONLogHandler && json.logLevel == .notice)
        #expect(text is TextLogHandler && text.logLevel == .debug)
    }
}
