import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The JSON-lines log is an interface: every event line parses, carries the documented fields, and
/// every run ends with exactly one `run.end`, also on failure and on SIGTERM.
@Suite("JSON log events", .timeLimit(.minutes(2)))
struct RunLogEventTests {
    /// The JSON objects among stderr's lines; any other line must be the command's own `audience-sync:` message.
    static func events(_ stderr: String) throws -> [[String: Any]] {
        var events: [[String: Any]] = []
        for line in stderr.split(separator: "\n") {
            guard line.hasPrefix("{") else {
                #expect(line.hasPrefix("audience-sync: "), "unexpected stderr line: \(line)")
                continue
            }
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            let ts = try #require(object["ts"] as? String)
            #expect(ts.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "ts \(ts)")
            #expect(["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(object["level"] as? String))
            #expect(object.keys.contains("run_id") && object.keys.contains("directory") && object["message"] is String)
            let name = try #require(object["event"] as? String)
            #expect(name.wholeMatch(of: /[a-z]+(\.[a-z_]+)+/) != nil, "event name \(name)")
            events.append(object)
        }
        return events
    }

    static func named(_ name: String, in events: [[String: Any]]) -> [[String: Any]] {
        events.filter { $0["event"] as? String == name }
    }

    /// Checks the run's frame: one run.start, one run.end with this outcome and exit code, one run_id on all.
    static func expectOneRun(_ events: [[String: Any]], outcome: String, exitCode: Int) throws -> [String: Any] {
        #expect(named("run.start", in: events).count == 1)
        let ends = named("run.end", in: events)
        #expect(ends.count == 1, "run.end lines: \(ends)")
        let end = try #require(ends.first)
        #expect(end["outcome"] as? String == outcome)
        #expect(end["exit_code"] as? Int == exitCode)
        #expect(end["duration_ms"] is Int)
        let runIDs = Set(events.compactMap { $0["run_id"] as? Int })
        #expect(runIDs.count == 1, "run ids \(runIDs)")
        // Lines outside the run (start-up warnings) have a null run_id; every line of the run names its directory.
        let inRun = events.filter { $0["run_id"] is Int }
        #expect(inRun.count >= 2 && inRun.allSatisfy { $0["directory"] as? String == "acme" }, "\(events)")
        return end
    }

    @Test func successfulImportLogsItsEventsUnderTheHistoryRunID() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        let result = try CLI.run([
            "import", "--db", db, "--directory", "acme", "--users", CLI.fixture("users.csv"), "--groups",
            CLI.fixture("user_groups.csv"), "--log-format", "json",
        ])
        #expect(result.status == 0)
        let events = try Self.events(result.stderr)
        let end = try Self.expectOneRun(events, outcome: "applied", exitCode: 0)
        #expect(end["added"] as? Int == 35)
        let summary = try #require(Self.named("diff.summary", in: events).first)
        #expect(summary["added"] as? Int == 35 && summary["removed"] as? Int == 0)
        #expect(Self.named("apply.commit", in: events).count == 1)
        let history = try CLI.run(["history", "--db", db, "--format", "json"])
        let run = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])
        #expect(run["id"] as? Int == end["run_id"] as? Int)
    }

    @Test func rejectedRowsAreLoggedByPositionNeverByContent() throws {
        let dir = try TempDir()
        let users = try dir.write(
            "users.csv",
            "user_id,email,first_name,last_name\nu1,ok@example.com,Olga,Ok\nu2,not-an-email-SECRETVALUE,Zed,Secretname\n")
        let result = try CLI.run([
            "import", "--db", dir.path("a.db"), "--directory", "acme", "--users", users, "--log-format", "json",
        ])
        #expect(result.status == 0)
        let events = try Self.events(result.stderr)
        _ = try Self.expectOneRun(events, outcome: "applied", exitCode: 0)
        let rejected = try #require(Self.named("csv.rejected", in: events).first)
        #expect(rejected["file"] as? String == "users.csv")
        #expect(rejected["line"] as? Int == 3)
        #expect(rejected["column"] as? Int == 2)
        #expect((rejected["reason"] as? String)?.isEmpty == false)
        #expect(!result.stderr.contains("SECRETVALUE") && !result.stderr.contains("Secretname"))
    }

    @Test func heldAndRefusedRunsEndWithTheirOutcome() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        try CLI.run(["import", "--db", db, "--directory", "acme", "--users", CLI.fixture("users.csv")])
        let lines = try String(contentsOfFile: CLI.fixture("users.csv"), encoding: .utf8).split(separator: "\n")
        let small = try dir.write("small.csv", lines.prefix(3).joined(separator: "\n") + "\n")
        let held = try CLI.run(["import", "--db", db, "--directory", "acme", "--users", small, "--log-format", "json"])
        #expect(held.status == 65)
        let heldEvents = try Self.events(held.stderr)
        _ = try Self.expectOneRun(heldEvents, outcome: "held", exitCode: 65)
        #expect(Self.named("guard.held", in: heldEvents).first?["removed"] as? Int == 33)

        let refused = try CLI.run([
            "import", "--db", db, "--directory", "acme", "--users", CLI.fixture("bad/missing-email-column.csv"),
            "--log-format", "json",
        ])
        #expect(refused.status == 65)
        let end = try Self.expectOneRun(try Self.events(refused.stderr), outcome: "rejected", exitCode: 65)
        #expect((end["reason"] as? String)?.contains("email") == true)
    }

    @Test func sftpFailureEndsTheRunWithItsExitCode() throws {
        let fixture = try SyncFixture()
        var config = fixture.config()
        config.port = try closedPort()
        try fixture.writeConfig(config)
        let result = try fixture.sync(["--log-format", "json"], limit: .seconds(30))
        #expect(result.status == 69)
        let events = try Self.events(result.stderr)
        let end = try Self.expectOneRun(events, outcome: "failed", exitCode: 69)
        #expect((end["reason"] as? String)?.contains("127.0.0.1") == true)
        #expect(Self.named("sftp.unreachable", in: events).count == 1)
        #expect(try fixture.outcomes().first == "failed")
    }

    @Test func sigtermEndsTheRunOnceAndRecordsItInterrupted() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        // Large enough that the import is still running when the signal arrives.
        var text = "user_id,email,first_name,last_name,department_name\n"
        text.reserveCapacity(30_000_000)
        for index in 0..<400_000 { text += "u\(index),user\(index)@example.com,First\(index),Last,Dept \(index % 50)\n" }
        let users = try dir.write("users.csv", text)
        let run = try CLIProcess([
            "import", "--db", db, "--directory", "acme", "--users", users, "--attributes", "all", "--log-format", "json",
        ])
        #expect(eventually(within: .seconds(30)) { run.stderr.contains("\"event\":\"run.start\"") })
        usleep(200_000)
        run.signal(SIGTERM)
        let result = try run.wait(limit: .seconds(30))
        #expect(result.status == 128 + SIGTERM, "\(result.stdout) \(result.stderr)")
        let events = try Self.events(result.stderr)
        let end = try Self.expectOneRun(events, outcome: "interrupted", exitCode: 128 + Int(SIGTERM))
        #expect((end["reason"] as? String)?.contains("SIGTERM") == true)
        let runID = try #require(end["run_id"] as? Int)
        // Nothing was applied, and the history says why (written by the handler, or by the next run).
        #expect(try CLI.run(["export", "--db", db]).stdout.split(separator: "\n").count <= 1)
        try CLI.run(["import", "--db", db, "--directory", "acme", "--users", CLI.fixture("users.csv")])
        let show = try CLI.run(["history", "show", "\(runID)", "--db", db, "--format", "json"])
        let recorded = try #require(
            (try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])?["run"] as? [String: Any])
        #expect(recorded["outcome"] as? String == "interrupted")
    }
}
