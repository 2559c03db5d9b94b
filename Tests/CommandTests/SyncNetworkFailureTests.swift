import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `sync` when the network fails: nobody listening, a server that never speaks, a connection killed mid-download.
///
/// Serialized: the elapsed-time bounds and the mid-download kill are sensitive to CPU contention.
@Suite("sync network failures", .serialized, .timeLimit(.minutes(1)))
struct SyncNetworkFailureTests {
    @Test func nothingListeningExits69Quickly() throws {
        let fixture = try SyncFixture()
        var config = fixture.config()
        config.port = try closedPort()
        try fixture.writeConfig(config)
        let started = ContinuousClock.now

        let result = try fixture.sync(limit: .seconds(30))

        let elapsed = ContinuousClock.now - started
        #expect(result.status == 69, "\(result)")
        #expect(result.stderr.contains("audience-sync: acme: "), "\(result)")
        #expect(result.stderr.contains("127.0.0.1"), "\(result)")
        #expect(elapsed < .seconds(10), "took \(elapsed)")
        #expect(try fixture.memberCount() == 0)
    }

    @Test func serverThatNeverSpeaksFailsWithinTheConnectTimeout() throws {
        let fixture = try SyncFixture()
        let silent = try SilentTCPServer()
        var config = fixture.config()
        config.port = silent.port
        config.connectTimeout = "2s"
        try fixture.writeConfig(config)
        let started = ContinuousClock.now

        let result = try fixture.sync(limit: .seconds(30))

        let elapsed = ContinuousClock.now - started
        #expect([69, 75].contains(result.status), "\(result)")
        #expect(result.stderr.contains("audience-sync: acme: "), "\(result)")
        #expect(elapsed < .seconds(2 + 5), "took \(elapsed)")
        #expect(try fixture.memberCount() == 0)
    }

    @Test func connectionKilledMidDownloadLeavesNoPartialAndARetryAfterRestartSucceeds() throws {
        let sync = try MidDownloadSync()
        let fixture = sync.fixture
        // Freeze first so the transfer stops at once, kill the connections, then take the listener down too so
        // the run cannot reconnect.
        fixture.server.freezeConnections()
        fixture.server.killConnections()
        fixture.server.stop()
        let result = try sync.run.wait(limit: .seconds(30))

        try #require(sync.partialSeen, "no users.csv.partial appeared under staging (\(sync.bytes) bytes): \(result)")
        #expect([69, 74, 75].contains(result.status), "\(result)")
        #expect(result.stderr.contains("audience-sync: acme: "), "\(result)")
        #expect(sync.partials.isEmpty, "left behind: \(sync.partials)")
        #expect(try fixture.memberCount() == 0)

        try fixture.server.restart()
        let retry = try fixture.sync(limit: .seconds(45))

        #expect(retry.status == 0, "\(retry)")
        #expect(retry.stdout.hasPrefix("acme: applied: "), "\(retry)")
        #expect(try fixture.export() == SyncFixture.expectedExport())
        #expect(fixture.stagedFiles().isEmpty, "\(fixture.stagedFiles())")
    }

    @Test func runKilledMidDownloadIsCleanedUpByTheNextRun() throws {
        let sync = try MidDownloadSync()
        // SIGKILL, as the OOM killer or `systemctl kill` would: the run gets no chance to clean up.
        sync.run.signal(SIGKILL)
        let killed = try sync.run.wait(limit: .seconds(10))
        try #require(sync.partialSeen && killed.status == 128 + SIGKILL, "\(killed)")

        let next = try sync.fixture.sync(limit: .seconds(45))

        #expect(next.status == 0, "\(next)")
        #expect(try sync.fixture.export() == SyncFixture.expectedExport())
        #expect(sync.fixture.stagedFiles().isEmpty, "\(sync.fixture.stagedFiles())")
    }
}

extension SyncNetworkFailureTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func signalMidDownloadExitsWithTheSignalAndLeavesNoPartial(_ signalNumber: Int32) throws {
        let sync = try MidDownloadSync()
        // systemd's stop (or TimeoutStartSec) sends SIGTERM; a terminal's Ctrl-C sends SIGINT.
        sync.run.signal(signalNumber)
        let stopped = try sync.run.wait(limit: .seconds(10))
        try #require(sync.partialSeen, "\(stopped)")
        #expect(stopped.status == 128 + signalNumber, "\(stopped)")
        #expect(stopped.stderr.contains("interrupted by"), "\(stopped)")
        #expect(sync.partials.isEmpty, "\(sync.fixture.stagedFiles())")
        #expect(try sync.fixture.memberCount() == 0)
    }

    /// The metrics file shows the interrupted run at once, not only after the next run.
    @Test func signalMidDownloadRewritesTheMetricsFile() throws {
        let folder = try TempDir()
        let metrics = folder.path("audience-sync.prom")
        let sync = try MidDownloadSync(metricsFile: metrics)
        sync.run.signal(SIGTERM)
        let stopped = try sync.run.wait(limit: .seconds(10))
        try #require(sync.partialSeen, "\(stopped)")
        #expect(stopped.status == 128 + SIGTERM, "\(stopped)")

        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        let parsed = try PrometheusText(parsing: text)
        #expect(parsed.value("audience_sync_last_run_exit_code", ["directory": "acme"]) == Double(128 + SIGTERM), "\(text)")
        #expect(parsed.value("audience_sync_members", ["directory": "acme"]) == 0, "\(text)")
    }
}

/// A ~200 MB users.csv whose audience is exactly the fixture's.
///
/// Every fixture row gets ~900 KB appended to its last column (the ignored `badge_color`), and inactive padded
/// rows follow: few rows to apply, many bytes to download, and the same expected export.
enum BigExport {
    static let padding = 900_000
    static let inactiveRows = 180

    /// Writes the file and returns its size in bytes.
    ///
    /// - Parameters:
    ///   - padding: Bytes appended to each fixture row (~20x this in total).
    ///   - inactiveRows: Padded inactive rows after the fixture's.
    @discardableResult
    static func write(
        to path: String, padding: Int = BigExport.padding, inactiveRows: Int = BigExport.inactiveRows
    ) throws -> Int {
        let fixture = try String(contentsOfFile: CLI.fixture("users.csv"), encoding: .utf8)
        var lines = fixture.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let pad = String(repeating: "x", count: padding)
        for index in lines.indices.dropFirst() { lines[index] += pad }
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? handle.close() }
        var size = 0
        for line in lines {
            let data = Data((line + "\n").utf8)
            try handle.write(contentsOf: data)
            size += data.count
        }
        for row in 0..<inactiveRows {
            let line = "pad\(row)@acme-robotics.example,Pad,Row,p\(row),inactive,,,,,,,,\(pad)\n"
            try handle.write(contentsOf: Data(line.utf8))
            size += line.utf8.count
        }
        return size
    }
}
