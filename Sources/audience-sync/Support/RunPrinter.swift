import AudienceCore
import Foundation

/// How runs of the history are printed by `history` and `plan show`.
enum RunPrinter {
    /// `#42 2026-11-29T04:00:00.000Z acme sync held (exit 65): 3 added, ...: would remove ...`.
    static func line(_ run: RunSummary) -> String {
        var line = "#\(run.id) \(run.startedAt) \(run.directory) \(run.command) \(run.outcome) (exit \(run.exitCode))"
        if run.outcome == "applied" || run.outcome == "held" { line += ": " + run.counts.summary }
        if let message = run.message { line += ": " + message }
        if let state = run.planState { line += " [plan \(state)\(run.resolvedBy.map { " by \($0)" } ?? "")]" }
        return line
    }

    /// Rejected rows as compilers print them (`file:line:column: reason`; the reason carries any hint, such as a
    /// header's trailing comma), at most `limit` of them, then how many of `total` were not shown.
    static func rejections(_ rejections: [Rejection], total: Int, limit: Int = .max, more: String = "") {
        let shown = rejections.prefix(limit)
        for rejection in shown { Output.line(rejection.description) }
        let hidden = total - shown.count
        if hidden > 0 { Output.line("... and \(hidden) more rejected rows\(more)") }
    }

    /// The first rejected rows of a run refused for too many of them (the error carries them): the refusal
    /// itself only counts them, and the reasons say what to fix. `runID`, the run as recorded in the history,
    /// adds where every kept row can be read.
    static func refusedRows(_ error: ValidationError, runID: Int64?, databasePath: String, limit: Int = 5) {
        guard case .tooManyRejects(_, let rejected, _, _, let first) = error, !first.isEmpty else { return }
        let pointer = runID.map { " (all kept ones: audience-sync history show \($0) --db \(databasePath))" } ?? ""
        Output.line("First rejected rows\(pointer):")
        rejections(first, total: rejected, limit: limit)
    }

    /// The id of this process's last run of `directory` that was refused for rejected rows, if it recorded one
    /// (a dry run records none).
    static func ownRejectedRun(store: AudienceStore, directory: String) -> Int64? {
        guard let run = try? store.history(directory: directory, limit: 1).first,
            run.pid == Int(ProcessInfo.processInfo.processIdentifier), run.outcome == "rejected"
        else { return nil }
        return run.id
    }

    /// One JSON object: the run, and its rejected rows when given.
    static func json(_ run: RunSummary, rejections: [Rejection]? = nil) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let rejections else { return String(decoding: try encoder.encode(run), as: UTF8.self) }
        struct Detailed: Encodable {
            var run: RunSummary
            var rejected: [Rejection]
        }
        return String(decoding: try encoder.encode(Detailed(run: run, rejected: rejections)), as: UTF8.self)
    }

    /// The whole run, for `history show`.
    static func details(_ run: RunSummary, rejections: [Rejection], databasePath: String) {
        Output.line("run \(run.id): \(run.directory), \(run.command), \(run.outcome) (exit \(run.exitCode))")
        Output.line("  started:  \(run.startedAt)")
        Output.line("  ended:    \(run.endedAt)")
        Output.line("  by:       \(run.osUser ?? "unknown")\(run.pid.map { " (pid \($0))" } ?? "")")
        if let message = run.message { Output.line("  message:  \(message)") }
        Output.line("  changes:  \(run.counts.summary)")
        Output.line("  rows:     \(run.counts.dataRows) data rows")
        if run.membersBefore != nil || run.membersAfter != nil {
            let before = run.membersBefore.map { "\($0)" } ?? "-"
            let after = run.membersAfter.map { "\($0)" } ?? "-"
            Output.line("  members:  \(before) before, \(after) after")
        }
        Output.line("  attributes: \(run.attributes.isEmpty ? "none" : run.attributes)")
        if let approved = run.approvesRun { Output.line("  approves: held run \(approved)") }
        if let state = run.planState {
            var text = "  plan:     \(state)"
            if let by = run.resolvedBy { text += " by \(by)" }
            if let at = run.resolvedAt { text += " at \(at)" }
            Output.line(text)
            if state == "pending" {
                Output.line("            review: audience-sync plan show \(run.id) --db \(databasePath)")
                Output.line("            apply:  audience-sync approve \(run.id) --db \(databasePath)")
            }
        }
        if !run.files.isEmpty {
            Output.line("  files:")
            for file in run.files {
                Output.line("    \(file.role): \(file.name), \(file.bytes) bytes, sha256 \(file.sha256)")
            }
        }
        Output.line("  rejected rows: \(run.counts.rejected)\(rejections.count < run.counts.rejected ? " (\(rejections.count) kept)" : "")")
        for rejection in rejections { Output.line("    \(rejection.description)") }
    }
}
