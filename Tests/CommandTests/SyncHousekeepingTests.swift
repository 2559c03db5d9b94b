import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `sync` against a real sshd: staged files, the staging folder's permissions, and the metrics file.
@Suite("sync housekeeping", .timeLimit(.minutes(3)))
struct SyncHousekeepingTests {
    @Test(arguments: [false, true])
    func stagedFilesAreDeletedAfterApplyUnlessKeepStaged(keep: Bool) throws {
        let fixture = try SyncFixture()
        #expect(chmod(fixture.stagingDir, 0o700) == 0)
        var config = fixture.config()
        config.keepStaged = keep ? true : nil  // false: the default, key absent
        try fixture.writeConfig(config)

        let result = try fixture.sync()

        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("acme: applied: 35 added"), "\(result)")
        let staged = fixture.stagedFiles().map { ($0 as NSString).lastPathComponent }.sorted()
        #expect(staged == (keep ? SyncFixture.exportFiles.sorted() : []), "\(fixture.stagedFiles())")
        #expect(!result.stderr.contains("startup.permissions"), "staging is 0700: \(result)")
    }

    @Test func openStagingFolderIsWarnedAboutAndTheMetricsFlagBeatsTheConfig() throws {
        let fixture = try SyncFixture()
        #expect(chmod(fixture.stagingDir, 0o755) == 0)
        var config = fixture.config()
        config.metricsFile = fixture.local.file("from-config.prom")
        try fixture.writeConfig(config)
        let flagged = fixture.local.file("from-flag.prom")

        let result = try fixture.sync(["--metrics-file", flagged, "--log-format", "json"])

        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains(#""event":"startup.permissions""#), "\(result)")
        #expect(result.stderr.contains("warning: \(fixture.stagingDir): the staging folder has mode 755"), "\(result)")
        let metrics = try PrometheusText(parsing: try String(contentsOfFile: flagged, encoding: .utf8))
        #expect(metrics.value("audience_sync_members", ["directory": "acme"]) == 35)
        #expect(metrics.value("audience_sync_last_run_exit_code", ["directory": "acme"]) == 0)
        #expect(!FileManager.default.fileExists(atPath: config.metricsFile!))

        let again = try fixture.sync()

        #expect(again.status == 0, "\(again)")
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
