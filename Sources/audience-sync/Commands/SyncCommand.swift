import ArgumentParser
import AudienceCore
import AudienceRunner
import Foundation

/// `audience-sync sync`: one run for each configured directory, for cron and systemd timers.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch each directory's export from its SFTP drop folder and apply it (one run, for cron or a timer).",
        discussion: """
            Prints one line per directory. The exit status is the most severe of the directories' \
            codes, in this order: 78, 77, 65, 66, 74, 69, 75, 0.

            \(ExitStatus.helpText)
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("Run only this directory (default: all configured directories).", valueName: "id"))
    var directory: String?

    @Flag(help: "Fetch and compute the plan; apply nothing and leave the remote files where they are.")
    var dryRun = false

    @OptionGroup var housekeeping: HousekeepingOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        try await withExitStatus {
            let configuration = housekeeping.apply(to: try options.load())
            let directories = try options.select(directory, from: configuration)
            let logger = Logging.makeLogger(level: configuration.logLevel)
            HousekeepingOptions.checkPermissions(
                databasePath: configuration.databasePath, stagingDirectory: configuration.stagingDirectory, logger: logger)
            let lock = try RunLock(databasePath: configuration.databasePath)
            defer { lock.release() }
            let store = try AudienceStore(path: configuration.databasePath)
            defer { store.close() }
            let afterRun = RunHousekeeping(configuration: configuration, logger: logger)
            Interruption.install(
                stagingDirectory: configuration.stagingDirectory, metrics: dryRun ? nil : afterRun, store: store)
            var codes: [Int32] = []
            for directory in directories {
                var runner = DirectoryRunner(configuration: configuration, directory: directory, store: store, logger: logger)
                runner.dryRun = dryRun
                let outcome = await runner.runOnThread()
                OutcomePrinter.print(outcome)
                // Rows of a recorded run, with where to read them all; a dry run's are in its csv.rejected log lines.
                if let refusal = outcome.refusal, let runID = RunPrinter.ownRejectedRun(store: store, directory: directory.id) {
                    RunPrinter.refusedRows(refusal, runID: runID, databasePath: configuration.databasePath)
                }
                codes.append(outcome.exitCode)
            }
            if !dryRun { afterRun.afterRun(store: store, directories: directories.map(\.id)) }
            return DirectoryOutcome.worst(codes)
        }
    }
}

/// Prints a directory outcome: the run's report when there is one, else one summary line.
enum OutcomePrinter {
    static func print(_ outcome: DirectoryOutcome) {
        if let report = outcome.report {
            ReportPrinter.print(report)
            return
        }
        Output.line(outcome.summaryLine)
        if outcome.kind == .failed { Output.error("\(outcome.directory): \(outcome.message)") }
    }
}
