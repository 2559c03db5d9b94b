import ArgumentParser
import AudienceCore
import Foundation

/// `audience-sync history`: the runs, newest first.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List runs, newest first, with their outcome and counts."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("At most this many runs. Default: 20.", valueName: "n"))
    var limit = 20

    @Option(help: ArgumentHelp("Only this directory's runs.", valueName: "id"))
    var directory: String?

    @Option(help: ArgumentHelp("Only runs with this outcome: applied, unchanged, held, rejected.", valueName: "outcome"))
    var outcome: String?

    @Option(help: ArgumentHelp("text or json (one object per line). Default: text.", valueName: "format"))
    var format: OutputFormat = .text

    func validate() throws {
        guard limit > 0 else { throw ArgumentParser.ValidationError("--limit must be at least 1.") }
        guard format != .csv else { throw ArgumentParser.ValidationError("--format must be text or json.") }
    }

    func run() async throws {
        try await withExitStatus {
            let store = try AudienceStore(path: database.path, readOnly: true)
            let runs = try store.history(directory: directory, outcome: outcome, limit: limit)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for run in runs {
                if format == .json {
                    Output.line(String(decoding: try encoder.encode(run), as: UTF8.self))
                } else {
                    var line = "#\(run.id) \(run.startedAt) \(run.directory) \(run.command) \(run.outcome) (exit \(run.exitCode))"
                    if run.outcome == "applied" || run.outcome == "held" { line += ": " + run.counts.summary }
                    if let message = run.message { line += ": " + message }
                    Output.line(line)
                }
            }
            return 0
        }
    }
}
