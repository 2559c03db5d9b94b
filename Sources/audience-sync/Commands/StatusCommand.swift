import ArgumentParser
import AudienceCore
import AudienceRunner
import Foundation

/// `audience-sync status`: one screen that answers "is it working?" for every directory.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each directory's last run, last success, members, held runs, and who holds the run lock.",
        discussion: """
            Read-only: it never takes the lock nor writes the database, so it is safe while a sync runs. \
            Give the database with --db, or the configuration file with --config (its `database`).
            """
    )

    @Option(name: .customLong("db"), help: ArgumentHelp("The audience database (SQLite).", valueName: "path"))
    var database: String?

    @Option(help: ArgumentHelp("Read the database path from this YAML configuration file instead.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("text or json (one object). Default: text.", valueName: "format"))
    var format: OutputFormat = .text

    func validate() throws {
        guard (database == nil) != (config == nil) else {
            throw ArgumentParser.ValidationError("Give either --db or --config (exactly one).")
        }
        guard format != .csv else { throw ArgumentParser.ValidationError("--format must be text or json.") }
    }

    func run() async throws {
        try await withExitStatus {
            let path = try database ?? RunnerConfiguration.load(path: config!).databasePath
            let status = try AudienceStore(path: path, readOnly: true).status()
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                Output.line(String(decoding: try encoder.encode(status), as: UTF8.self))
            } else {
                for line in StatusPrinter.lines(status) { Output.line(line) }
            }
            return 0
        }
    }
}

/// The text form of `status`: a block per directory, labels aligned, newest facts first.
enum StatusPrinter {
    static func lines(_ status: StoreStatus) -> [String] {
        var lines = ["database: \(status.database)"]
        if status.lock.held {
            let who = status.lock.pid.map { "process \($0)" } ?? "a process (PID not yet written)"
            lines.append("lock: held by \(who): a run is in progress")
        } else {
            lines.append("lock: free (no run in progress)")
        }
        if status.directories.isEmpty { lines.append("no directories yet: nothing has been synced or imported") }
        for directory in status.directories {
            lines.append("")
            lines.append(directory.directory)
            lines.append(field("members", "\(directory.members)"))
            lines.append(field("last run", directory.lastRun.map(describe) ?? "none"))
            lines.append(field("last success", directory.lastSuccess.map { "#\($0.id) \($0.endedAt) \($0.outcome)" } ?? "never"))
            if directory.heldRuns.isEmpty { lines.append(field("held runs", "none")) }
            for held in directory.heldRuns {
                let of = held.membersBefore.map { " of \($0)" } ?? ""
                lines.append(
                    field(
                        "held run",
                        "#\(held.id) \(held.startedAt): would remove \(held.removed)\(of) members, add \(held.added), "
                            + "update \(held.updated); waiting for approve or discard"))
            }
            for run in directory.running {
                let pid = run.pid.map { Int32($0) }
                let alive = status.lock.held && (status.lock.pid == nil || status.lock.pid == pid)
                let state =
                    alive
                    ? "in progress"
                    : "not running any more (killed before it recorded an outcome; the next run marks it interrupted)"
                lines.append(
                    field("running", "#\(run.id) \(run.command) started \(run.startedAt) by process \(run.pid.map { String($0) } ?? "?"): \(state)"))
            }
        }
        return lines
    }

    private static func field(_ label: String, _ value: String) -> String {
        "  " + label.padding(toLength: 13, withPad: " ", startingAt: 0) + value
    }

    private static func describe(_ run: RunBrief) -> String {
        var text = "#\(run.id) \(run.endedAt) \(run.command) \(run.outcome) (exit \(run.exitCode)) in "
            + String(format: "%.1f s", run.durationSeconds)
        if ["applied", "held", "rejected"].contains(run.outcome) {
            text += ": \(run.added) added, \(run.updated) updated, \(run.removed) removed, \(run.rejected) rejected"
        }
        if let message = run.message { text += ": " + message }
        return text
    }
}
