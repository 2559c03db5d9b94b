import ArgumentParser
import AudienceCore
import AudienceRunner
import Foundation

/// `audience-sync plan show RUN_ID`: what a held run would do, person by person.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Review the plan of a run held by the removal guard.",
        subcommands: [Show.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print who a held run would add, update and remove (prints names and emails).",
            discussion: "--format csv prints only the people it would remove: user_id,email,first_name,last_name.")

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("The held run's id (see `history --outcome held` or `status`).", valueName: "run-id"))
        var runID: Int64

        @Option(help: ArgumentHelp("text, json, or csv (removals only). Default: text.", valueName: "format"))
        var format: OutputFormat = .text

        func run() async throws {
            try await withExitStatus {
                let store = try database.openStore(readOnly: true)
                let run = try store.requireRun(runID, pending: true)
                switch format {
                case .csv:
                    Output.line("user_id,email,first_name,last_name")
                    for entry in try store.planEntries(runID: runID, action: "remove") {
                        Output.line([entry.userID, entry.email, entry.firstName, entry.lastName].map(csvField).joined(separator: ","))
                    }
                case .json:
                    struct Plan: Encodable {
                        var run: RunSummary
                        var entries: [PlanEntry]
                    }
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    let plan = Plan(run: run, entries: try store.planEntries(runID: runID))
                    Output.line(String(decoding: try encoder.encode(plan), as: UTF8.self))
                case .text:
                    Output.line(
                        "run \(run.id): \(run.directory), held at \(run.startedAt): \(run.message ?? "held by the removal guard")")
                    Output.line("  \(run.counts.summary)")
                    let labels = ["add": "Would add", "update": "Would update", "remove": "Would remove"]
                    for action in ["add", "update", "remove"] {
                        let entries = try store.planEntries(runID: runID, action: action)
                        guard !entries.isEmpty else { continue }
                        Output.line("\(labels[action]!) (\(entries.count)):")
                        for entry in entries {
                            Output.line("  \(entry.userID) <\(entry.email)> \(entry.firstName) \(entry.lastName)")
                        }
                    }
                    Output.line("Apply it with: audience-sync approve \(run.id) --db \(database.path)")
                    Output.line("Drop it with:  audience-sync discard \(run.id) --db \(database.path)")
                }
                return 0
            }
        }
    }
}

/// `audience-sync approve RUN_ID`: apply exactly the plan of a held run.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Apply exactly the plan of a held run, if the audience and the files are unchanged since.",
        discussion: """
            Refuses (exit 65) when the directory's audience changed since the run was held, when the \
            plan computed now differs from the held one, or when the run is not waiting for approval; \
            exit 66 when the run or its files are gone. The approval is recorded in the history as a \
            new run of command 'approve', with the OS user who ran it.

            \(ExitStatus.helpText)
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The held run's id.", valueName: "run-id"))
    var runID: Int64

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        try await withExitStatus {
            let lock = try RunLock(databasePath: database.path)
            defer { lock.release() }
            Interruption.install(stagingDirectory: nil)
            let store = try database.openStore()
            defer { store.close() }
            let report = try PlanApprover(store: store, logger: Logging.makeLogger()).approve(runID: runID)
            Output.line("run \(runID): approved by \(OSUser.name); applied as run \(report.runID.map { "\($0)" } ?? "?")")
            ReportPrinter.print(report)
            return report.exitCode
        }
    }
}

/// `audience-sync discard RUN_ID`: drop a held run's plan.
struct DiscardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discard",
        abstract: "Drop the plan of a held run; nothing is applied. Recorded with the OS user who ran it."
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The held run's id.", valueName: "run-id"))
    var runID: Int64

    func run() async throws {
        try await withExitStatus {
            try database.withLockedStore { store in
                let files = try store.requireRun(runID).files
                try store.discardPlan(runID: runID)
                HeldFiles.removeKept(files.compactMap(\.path), runID: runID)
                Output.line("run \(runID): plan discarded by \(OSUser.name); nothing was applied")
                return 0
            }
        }
    }
}
