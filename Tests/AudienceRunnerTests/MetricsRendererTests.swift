import AudienceCore
import AudienceRunner
import Foundation
import Testing

@Suite("Metrics rendering", .timeLimit(.minutes(3)))
struct MetricsRendererTests {
    static func run(id: Int64, outcome: String, exitCode: Int, started: String, ended: String) -> RunBrief {
        RunBrief(
            id: id, command: "sync", startedAt: started, endedAt: ended, outcome: outcome, exitCode: exitCode,
            message: nil, added: 3, updated: 2, removed: 1, rejected: 4, pid: 1)
    }

    @Test func seriesComeFromTheStatusWithoutTimestamps() {
        let last = Self.run(
            id: 2, outcome: "failed", exitCode: 69, started: "2025-01-01T00:00:10.000Z", ended: "2025-01-01T00:00:12.500Z")
        let success = Self.run(
            id: 1, outcome: "applied", exitCode: 0, started: "2025-01-01T00:00:00.000Z", ended: "2025-01-01T00:00:01.250Z")
        let status = DirectoryStatus(
            directory: "acme", members: 35, lastRun: last, lastSuccess: success, heldRuns: [], running: [])

        let lines = Set(MetricsRenderer.render([status]).split(separator: "\n").map(String.init))

        let start = 1_735_689_600.0  // 2025-01-01T00:00:00Z
        #expect(lines.contains(#"audience_sync_last_run_timestamp_seconds{directory="acme"} \#(start + 12.5)"#))
        #expect(lines.contains(#"audience_sync_last_success_timestamp_seconds{directory="acme"} \#(start + 1.25)"#))
        #expect(lines.contains(#"audience_sync_last_run_exit_code{directory="acme"} 69.0"#))
        #expect(lines.contains(#"audience_sync_last_run_duration_seconds{directory="acme"} 2.5"#))
        #expect(lines.contains(#"audience_sync_members{directory="acme"} 35.0"#))
        #expect(lines.contains(#"audience_sync_changes_total{directory="acme",kind="removed"} 1.0"#))
        #expect(lines.contains(#"audience_sync_rejected_rows{directory="acme"} 4.0"#))
        #expect(lines.contains(#"audience_sync_held_runs{directory="acme"} 0.0"#))
        for family in MetricsRenderer.families {
            #expect(lines.contains("# TYPE \(family.name) gauge"))
            #expect(lines.contains("# HELP \(family.name) \(family.help)"))
        }
    }

    @Test func aDirectoryThatNeverFinishedARunHasNoLastRunSeriesAndNoSuccess() {
        let status = DirectoryStatus(
            directory: "new", members: 0, lastRun: nil, lastSuccess: nil,
            heldRuns: [HeldRunBrief(id: 7, startedAt: "2025-01-01T00:00:00.000Z", added: 0, updated: 0, removed: 9)],
            running: [])

        let text = MetricsRenderer.render([status])

        #expect(text.contains(#"audience_sync_last_success_timestamp_seconds{directory="new"} 0.0"#))
        #expect(text.contains(#"audience_sync_held_runs{directory="new"} 1.0"#))
        #expect(!text.contains("audience_sync_last_run_timestamp_seconds{"))
        #expect(!text.contains("audience_sync_changes_total{"))
    }
}
