import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--metrics-file` on `import`: the file node_exporter's textfile collector reads.
///
/// Limits here and in the other suites of this change are generous on purpose: a suite's clock runs
/// while its test waits for one of the two cooperative threads that blocking tests hold.
@Suite("metrics file", .timeLimit(.minutes(3)))
struct MetricsFileTests {
    static let families = [
        "audience_sync_last_run_timestamp_seconds", "audience_sync_last_success_timestamp_seconds",
        "audience_sync_last_run_exit_code", "audience_sync_last_run_duration_seconds", "audience_sync_members",
        "audience_sync_changes_total", "audience_sync_rejected_rows", "audience_sync_held_runs",
    ]

    /// 40 members and one row rejected for its email.
    static let all = "user_id,email,first_name,last_name\n" + (1...40).map { "u\($0),u\($0)@x.com,F,L\n" }.joined()
        + "u41,no-at-sign,F,L\n"
    /// Half of them: the removal guard holds this.
    static let half = "user_id,email,first_name,last_name\n" + (1...20).map { "u\($0),u\($0)@x.com,F,L\n" }.joined()

    @Test func valuesAfterASuccessAFailureAndAHeldRun() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        let metrics = dir.path("audience-sync.prom")
        func run(_ users: String, _ extra: [String] = []) throws -> (CLI.Result, PrometheusText) {
            let result = try CLI.run(
                ["import", "--db", db, "--directory", "acme", "--users", users, "--metrics-file", metrics] + extra)
            return (result, try PrometheusText(parsing: try String(contentsOfFile: metrics, encoding: .utf8)))
        }
        let acme = ["directory": "acme"]
        let before = Date().timeIntervalSince1970

        let (success, first) = try run(try dir.write("all.csv", Self.all))

        #expect(success.status == 0, "\(success)")
        for family in Self.families {
            #expect(first.types[family] == "gauge", "TYPE of \(family)")
            #expect(!(first.help[family] ?? "").isEmpty, "HELP of \(family)")
        }
        #expect(first.value("audience_sync_members", acme) == 40)
        #expect(first.value("audience_sync_last_run_exit_code", acme) == 0)
        #expect(first.value("audience_sync_changes_total", ["directory": "acme", "kind": "added"]) == 40)
        #expect(first.value("audience_sync_changes_total", ["directory": "acme", "kind": "updated"]) == 0)
        #expect(first.value("audience_sync_changes_total", ["directory": "acme", "kind": "removed"]) == 0)
        #expect(first.value("audience_sync_rejected_rows", acme) == 1)
        #expect(first.value("audience_sync_held_runs", acme) == 0)
        let lastSuccess = try #require(first.value("audience_sync_last_success_timestamp_seconds", acme))
        #expect(lastSuccess >= before - 1 && lastSuccess <= Date().timeIntervalSince1970 + 1)
        #expect(first.value("audience_sync_last_run_timestamp_seconds", acme) == lastSuccess)
        let duration = try #require(first.value("audience_sync_last_run_duration_seconds", acme))
        #expect(duration >= 0 && duration < 30)

        let (failure, second) = try run(CLI.fixture("bad/missing-email-column.csv"))

        #expect(failure.status == 65, "\(failure)")
        #expect(second.value("audience_sync_last_run_exit_code", acme) == 65)
        #expect(second.value("audience_sync_last_success_timestamp_seconds", acme) == lastSuccess)
        #expect(try #require(second.value("audience_sync_last_run_timestamp_seconds", acme)) > lastSuccess)
        #expect(second.value("audience_sync_members", acme) == 40)

        let (held, third) = try run(try dir.write("half.csv", Self.half))

        #expect(held.status == 65, "\(held)")
        #expect(third.value("audience_sync_held_runs", acme) == 1)
        #expect(third.value("audience_sync_changes_total", ["directory": "acme", "kind": "removed"]) == 20)
        #expect(third.value("audience_sync_last_success_timestamp_seconds", acme) == lastSuccess)
        #expect(third.value("audience_sync_members", acme) == 40)

        let (forced, fourth) = try run(dir.path("half.csv"), ["--allow-mass-removal"])

        #expect(forced.status == 0, "\(forced)")
        #expect(fourth.value("audience_sync_held_runs", acme) == 0, "the applied run supersedes the held one")
        #expect(fourth.value("audience_sync_members", acme) == 20)
        #expect(try #require(fourth.value("audience_sync_last_success_timestamp_seconds", acme)) > lastSuccess)
    }

    @Test func everyDirectoryHasItsOwnSeriesAndLabelValuesAreEscaped() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        let metrics = dir.path("m.prom")
        let odd = #"east "1" \ west"#
        let users = try dir.write("all.csv", Self.all)
        try CLI.run(["import", "--db", db, "--directory", "acme", "--users", users])
        let result = try CLI.run(["import", "--db", db, "--directory", odd, "--users", users, "--metrics-file", metrics])
        #expect(result.status == 0, "\(result)")

        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        let parsed = try PrometheusText(parsing: text)

        #expect(parsed.value("audience_sync_members", ["directory": odd]) == 40)
        #expect(parsed.value("audience_sync_members", ["directory": "acme"]) == 40)
        #expect(parsed.samples.count == 2 * 10)
        #expect(!text.contains("@x.com"), "no personal data in the metrics")
    }

    @Test func theFileIsReplacedAtomicallyWithMode0644AndNoTemporaryFileLeft() throws {
        let dir = try TempDir()
        let folder = dir.path("textfile")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let metrics = folder + "/audience-sync.prom"
        let db = dir.path("a.db")
        let users = try dir.write("all.csv", Self.all)
        let arguments = ["import", "--db", db, "--directory", "acme", "--users", users, "--metrics-file", metrics]
        #expect(try CLI.run(arguments).status == 0)
        var info = stat()
        #expect(stat(metrics, &info) == 0)
        // The binary runs with umask 077; node_exporter (another user) must still read the file.
        #expect(info.st_mode & 0o777 == 0o644)

        // A reader polls the file while runs rewrite it: every read must be a whole, valid file.
        let reader = PollingReader(path: metrics)
        reader.start()
        for _ in 1...3 {
            // Compared run by run: the new file is created while the old one exists, so its inode differs;
            // across several runs a freed inode number may come back.
            let before = info.st_ino
            #expect(try CLI.run(arguments + ["--force"]).status == 0)
            #expect(stat(metrics, &info) == 0)
            #expect(info.st_ino != before, "replaced by rename, not rewritten in place")
        }
        let (reads, bad) = reader.stop()

        #expect(reads > 0)
        #expect(bad.isEmpty, "partial or invalid reads: \(bad.prefix(3))")
        #expect(info.st_mode & 0o777 == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["audience-sync.prom"])
    }

    @Test func anUnwritableMetricsFileDoesNotFailTheRun() throws {
        let dir = try TempDir()
        let metrics = dir.path("no-such-folder/m.prom")
        let result = try CLI.run([
            "import", "--db", dir.path("a.db"), "--directory", "acme", "--users", try dir.write("all.csv", Self.all),
            "--metrics-file", metrics, "--log-format", "json",
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains(#""event":"metrics.write_failed""#), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: metrics))
    }
}

/// Reads a file in a tight loop on its own thread and keeps every read that is not a complete metrics file.
final class PollingReader: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var running = true
    private var reads = 0
    private var bad: [String] = []
    private let done = DispatchSemaphore(value: 0)

    init(path: String) { self.path = path }

    func start() {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                // A short pause leaves the CPU to the runs being measured (CI has two cores).
                usleep(200)
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                let text = String(decoding: data, as: UTF8.self)
                let complete =
                    (try? PrometheusText(parsing: text)).map { parsed in
                        MetricsFileTests.families.allSatisfy { parsed.types[$0] != nil }
                    } ?? false
                lock.withLock {
                    reads += 1
                    if !complete { bad.append(text) }
                }
            }
            done.signal()
        }
    }

    /// Stops the thread; returns the number of reads and the bad ones.
    func stop() -> (Int, [String]) {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { (reads, bad) }
    }
}
