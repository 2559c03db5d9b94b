import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `sync` against a real sshd: staged files, the staging folder's permissions, and the metrics file.
@Suite("sync housekeeping", .timeLimit(.minutes(3)))
struct SyncHousekeepingTests {
    /// One sshd for all of it: each fixture costs a server and a key, and CI has two cores.
    @Test func stagedFilesAreKeptOnlyWithKeepStagedAndTheMetricsFlagBeatsTheConfig() throws {
        let fixture = try SyncFixture()
        #expect(chmod(fixture.stagingDir, 0o700) == 0)
        try fixture.writeConfig()

        let first = try fixture.sync()

        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.hasPrefix("acme: applied: 35 added"), "\(first)")
        #expect(fixture.stagedFiles().isEmpty, "keep_staged is false by default: \(fixture.stagedFiles())")
        #expect(!first.stderr.contains("startup.permissions"), "staging is 0700: \(first)")

        // The files are downloaded again and found unchanged: a successful run, so they are kept now.
        #expect(chmod(fixture.stagingDir, 0o755) == 0)
        var config = fixture.config()
        config.keepStaged = true
        config.metricsFile = fixture.local.file("from-config.prom")
        try fixture.writeConfig(config)
        let flagged = fixture.local.file("from-flag.prom")

        let second = try fixture.sync(["--metrics-file", flagged, "--log-format", "json"])

        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.hasPrefix("acme: unchanged"), "\(second)")
        let staged = fixture.stagedFiles().map { ($0 as NSString).lastPathComponent }.sorted()
        #expect(staged == SyncFixture.exportFiles.sorted(), "\(fixture.stagedFiles())")
        #expect(second.stderr.contains(#""event":"startup.permissions""#), "\(second)")
        #expect(second.stderr.contains("warning: \(fixture.stagingDir): the staging folder has mode 755"), "\(second)")
        let metrics = try PrometheusText(parsing: try String(contentsOfFile: flagged, encoding: .utf8))
        #expect(metrics.value("audience_sync_members", ["directory": "acme"]) == 35)
        #expect(metrics.value("audience_sync_last_run_exit_code", ["directory": "acme"]) == 0)
        #expect(!FileManager.default.fileExists(atPath: config.metricsFile!))

        let third = try fixture.sync()

        #expect(third.status == 0, "\(third)")
        let fromConfig = try PrometheusText(parsing: try String(contentsOfFile: config.metricsFile!, encoding: .utf8))
        #expect(fromConfig.value("audience_sync_members", ["directory": "acme"]) == 35)
    }

    @Test func watchWritesMetricsAndPrunesTheHistoryAfterEachRun() throws {
        let fixture = try SyncFixture()
        var config = fixture.config()
        config.interval = "1s"
        try fixture.writeConfig(config)
        let metrics = fixture.local.file("watch.prom")
        let watch = try CLIProcess(["watch", "--config", fixture.configPath, "--metrics-file", metrics, "--keep-runs", "2"])
        func ids() throws -> [Int] {
            try fixture.history().compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? Int
            }
        }

        // Three runs or more, of which only the newest two are left.
        let pruned = try eventually(within: .seconds(30)) {
            guard watch.isRunning else { return true }
            let runs = try ids()
            return (runs.max() ?? 0) >= 3 && runs.count == 2
        }

        #expect(pruned && watch.isRunning, "history: \((try? ids()) ?? [])")
        let parsed = try PrometheusText(parsing: try String(contentsOfFile: metrics, encoding: .utf8))
        #expect(parsed.value("audience_sync_members", ["directory": "acme"]) == 35)
        #expect(parsed.value("audience_sync_last_run_exit_code", ["directory": "acme"]) == 0)
        watch.signal(SIGTERM)
        let result = try watch.wait(limit: .seconds(10))
        #expect(result.status == 0, "\(result)")
    }
}
