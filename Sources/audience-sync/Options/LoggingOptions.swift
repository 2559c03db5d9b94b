import ArgumentParser
import AudienceRunner
import Logging

/// `--log-format` and `--log-level`, shared by the commands that log.
struct LoggingOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Log lines on stderr: text or json. Default: text when stderr is a terminal, JSON lines otherwise.",
            valueName: "format"))
    var logFormat: LogFormat?

    @Option(
        help: ArgumentHelp(
            "Least severe level logged: trace, debug, info, notice, warning, error, critical. Default: the "
                + "configuration's log_level, else warning. AUDIENCE_SYNC_LOG_LEVEL overrides it.",
            valueName: "level"))
    var logLevel: Logger.Level?

    /// Installs the process's log handler; call first in `run()`.
    func bootstrap() {
        Logging.bootstrap(format: logFormat, level: logLevel)
    }
}
