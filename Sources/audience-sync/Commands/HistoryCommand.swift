import ArgumentParser
import AudienceCore
import Foundation

/// `audience-sync history`: the runs, newest first; `history show RUN_ID` for one run in full.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List runs, newest first, or show one run in full.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first, with their outcome and counts.")

        @OptionGroup var database: DatabaseOptions

        @Option(help: ArgumentHelp("At most this many runs. Default: 20.", valueName: "n"))
        var limit = 20

        @Option(help: ArgumentHelp("Only this directory's runs.", valueName: "id"))
        var directory: String?

        @Option(
            help: ArgumentHelp(
                "Only runs with this outcome: applied, unchanged, held, rejected, not-ready, failed, interrupted, running.",
                valueName: "outcome"))
        var outcome: String?

        @Option(help: ArgumentHelp("text or json (one object per line). Default: text.", valueName: "format"))
        var format: OutputFormat = .text

        func validate() throws {
            guard limit > 0 else { throw ArgumentParser.ValidationError("--limit must be at least 1.") }
            guard format != .csv else { throw ArgumentParser.ValidationError("--format must be text or json.") }
        }

        func run() async throws {
            try await withExitStatus {
                let store = try database.openStore(readOnly: true)
                for run in try store.history(directory: directory, outcome: outcome, limit: limit) {
                    Output.line(format == .json ? try RunPrinter.json(run) : RunPrinter.line(run))
                }
                return 0
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one run: its summary, file SHA-256s and rejected rows (file, line, column, reason).")

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("The run's id (the run_id of its log lines).", valueName: "run-id"))
        var runID: Int64

        @Option(help: ArgumentHelp("text or json. Default: text.", valueName: "format"))
        var format: OutputFormat = .text

        @Option(
            help: ArgumentHelp(
                "Also write the rejected rows to this CSV file (file,line,column,reason; created with mode 0600).",
                valueName: "file"))
        var rejectedCsv: String?

        func validate() throws {
            guard format != .csv else { throw ArgumentParser.ValidationError("--format must be text or json.") }
        }

        func run() async throws {
            try await withExitStatus {
                let store = try database.openStore(readOnly: true)
                let run = try store.requireRun(runID)
                let rejections = try store.rejections(runID: runID)
                if let rejectedCsv {
                    var text = "file,line,column,reason\n"
                    for rejection in rejections {
                        text += [rejection.file, "\(rejection.line)", rejection.column.map { "\($0)" } ?? "", rejection.reason]
                            .map(csvField).joined(separator: ",") + "\n"
                    }
                    do {
                        try Data(text.utf8).write(to: URL(fileURLWithPath: rejectedCsv), options: .atomic)
                    } catch {
                        throw WriteFailure(path: rejectedCsv, reason: error.localizedDescription)
                    }
                }
                if format == .json {
                    Output.line(try RunPrinter.json(run, rejections: rejections))
                } else {
                    RunPrinter.details(run, rejections: rejections, databasePath: database.path)
                }
                return 0
            }
        }
    }
}
