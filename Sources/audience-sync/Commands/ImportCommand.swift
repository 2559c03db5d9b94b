import ArgumentParser
import AudienceCore
import Logging

/// `audience-sync import`: apply a directory export from local files.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Apply a directory export from local files to the audience database.",
        discussion: """
            Adds, updates and removes the directory's members in one transaction. Rejected rows are \
            reported and never remove anybody. A run that would remove too many members is held \
            (exit 65) unless --allow-mass-removal is given.

            \(ExitStatus.helpText)
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The directory's ID: members are keyed by (directory, user_id).", valueName: "id"))
    var directory: String

    @OptionGroup var snapshot: SnapshotOptions

    @Flag(help: "Compute and print the plan; write nothing.")
    var dryRun = false

    @Flag(help: "Apply even when the run removes more members than the guard allows.")
    var allowMassRemoval = false

    @Option(help: ArgumentHelp("Hold the run when it would remove more than this many members. Default: 500.", valueName: "n"))
    var maxRemovals = 500

    @Option(
        help: ArgumentHelp(
            "Hold the run when it would remove more than this percentage of the directory's members (and at least 10). Default: 10.",
            valueName: "percent"))
    var maxRemovalPercent: Double = 10

    @Flag(help: "Apply even when the files are identical to the last applied ones (normally recorded as 'unchanged').")
    var force = false

    func validate() throws {
        guard !directory.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ArgumentParser.ValidationError("--directory must not be empty.")
        }
        guard maxRemovals >= 0 else { throw ArgumentParser.ValidationError("--max-removals must be 0 or more.") }
        guard maxRemovalPercent >= 0 && maxRemovalPercent <= 100 else {
            throw ArgumentParser.ValidationError("--max-removal-percent must be between 0 and 100.")
        }
    }

    @OptionGroup var housekeeping: HousekeepingOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        try await withExitStatus {
            let request = SyncRequest(
                directory: directory, usersPath: snapshot.users, groupsPath: snapshot.groups,
                catalogPath: snapshot.groupsCatalog, attributes: try snapshot.attributeSelection(),
                removalGuard: RemovalGuard(
                    maxPercent: maxRemovalPercent, maxCount: maxRemovals, disabled: allowMassRemoval),
                rejectLimit: snapshot.rejectLimit, dryRun: dryRun, skipUnchanged: !force, command: "import")
            let lock = dryRun ? nil : try RunLock(databasePath: database.path)
            defer { lock?.release() }
            HousekeepingOptions.checkPermissions(databasePath: database.path, stagingDirectory: nil, logger: Logging.makeLogger())
            let store = try database.openStore()
            // Declared before the housekeeping `defer` below, so it runs after it.
            defer { store.close() }
            let afterRun = housekeeping.housekeeping(logger: Logging.makeLogger())
            Interruption.install(stagingDirectory: nil, metrics: dryRun ? nil : afterRun, store: store)
            // Deferred: a refused file throws, and its run must reach the metrics too.
            defer { if !dryRun { afterRun.afterRun(store: store, directories: [directory]) } }
            let report: SyncReport
            do {
                report = try DirectorySync(store: store, logger: Logging.makeLogger()).run(request)
            } catch let error as AudienceCore.ValidationError {
                let runID = dryRun ? nil : RunPrinter.ownRejectedRun(store: store, directory: directory)
                RunPrinter.refusedRows(error, runID: runID, databasePath: database.path)
                throw error
            }
            ReportPrinter.print(report)
            return report.exitCode
        }
    }
}

/// Prints a run's report the way operators read it: one summary line, then details.
enum ReportPrinter {
    static func print(_ report: SyncReport) {
        for warning in report.warnings { Output.warning(warning) }
        switch report.outcome {
        case .applied:
            Output.line("\(report.directory): applied: \(report.counts.summary)")
        case .unchanged:
            Output.line("\(report.directory): unchanged: the files are identical to the last applied run; nothing to do")
        case .dryRun:
            Output.line("\(report.directory): dry run (nothing written): \(report.counts.summary)")
        case .held:
            Output.line(
                "\(report.directory): held: the run would remove \(report.counts.removed) of \(report.membersBefore) "
                    + "members, more than the removal guard allows; nothing was applied (\(report.counts.summary))")
            if let runID = report.runID {
                Output.line(
                    "Review it with `audience-sync plan show \(runID)`, then `audience-sync approve \(runID)` or "
                        + "`audience-sync discard \(runID)` (with --db).")
            } else {
                Output.line("Re-run with --allow-mass-removal to apply it, or raise --max-removals / --max-removal-percent.")
            }
        }
        if report.outcome == .held || report.outcome == .dryRun, !report.removalSample.isEmpty {
            let more = report.counts.removed - report.removalSample.count
            Output.line("Would remove (first \(report.removalSample.count) of \(report.counts.removed)):")
            for member in report.removalSample { Output.line("  \(member.userID) <\(member.email)>") }
            if more > 0 { Output.line("  ... and \(more) more") }
        }
        RunPrinter.rejections(report.rejections.entries, total: report.rejections.count)
    }
}
