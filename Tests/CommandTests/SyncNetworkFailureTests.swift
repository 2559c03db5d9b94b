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
        let fixture = try SyncFixture()
        let bytes = try BigExport.write(to: fixture.remotePath("users.csv"))
        try fixture.writeConfig()

        let run = try CLIProcess(["sync", "--config", fixture.configPath])
        // Poll tightly: on loopback the whole file may take well under a second.
        var partialSeen = false
        let limit = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < limit, run.isRunning {
            if fixture.stagedFiles().contains(where: { $0.hasSuffix("users.csv.partial") }) {
                partialSeen = true
                break
            }
            usleep(1_000)
        }
        // Freeze first so the transfer stops at once, kill the connections, then take the listener down too so
        // the run cannot reconnect.
        fixture.server.freezeConnections()
        fixture.server.killConnections()
        fixture.server.stop()
        let result = try run.wait(limit: .seconds(30))

        try #require(partialSeen, "no users.csv.partial appeared under staging (\(bytes) bytes): \(result)")
        #expect([69, 74, 75].contains(result.status), "\(result)")
        #expect(result.stderr.contains("audience-sync: acme: "), "\(result)")
        let leftovers = fixture.stagedFiles().filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty, "left behind: \(leftovers)")
        #expect(try fixture.memberCount() == 0)

        try fixture.server.restart()
        let retry = try fixture.sync(limit: .seconds(45))

        #expect(retry.status == 0, "\(retry)")
        #expect(retry.stdout.hasPrefix("acme: applied: "), "\(retry)")
        #expect(try fixture.export() == SyncFixture.expectedExport())
        #expect(fixture.stagedFiles().isEmpty, "\(fixture.stagedFiles())")
    }

    @Test func runKilledMidDownloadIsCleanedUpByTheNextRun() throws {
        let fixture = try SyncFixture()
        try BigExport.write(to: fixture.remotePath("users.csv"))
        try fixture.writeConfig()
        let run = try CLIProcess(["sync", "--config", fixture.configPath])
        let downloading = eventually(within: .seconds(30)) {
            !run.isRunning || fixture.stagedFiles().contains { $0.hasSuffix("users.csv.partial") }
        }
        // SIGKILL, as the OOM killer or `systemctl kill` would: the run gets no chance to clean up.
        run.signal(SIGKILL)
        let killed = try run.wait(limit: .seconds(10))
        try #require(downloading && killed.status == 128 + SIGKILL, "\(killed)")

        let next = try fixture.sync(limit: .seconds(45))

        #expect(next.status == 0, "\(next)")
        #expect(try fixture.export() == SyncFixture.expectedExport())
        #expect(fixture.stagedFiles().isEmpty, "\(fixture.stagedFiles())")
    }
}

extension SyncNetworkFailureTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func signalMidDownloadExitsWithTheSignalAndLeavesNoPartial(_ signalNumber: Int32) throws {
        let fixture = try SyncFixture()
        try BigExport.write(to: fixture.remotePath("users.csv"))
        try fixture.writeConfig()
        let run = try CLIProcess(["sync", "--config", fixture.configPath])
        let downloading = eventually(within: .seconds(30)) {
            !run.isRunning || fixture.stagedFiles().contains { $0.hasSuffix("users.csv.partial") }
        }
        // systemd's stop (or TimeoutStartSec) sends SIGTERM; a terminal's Ctrl-C sends SIGINT.
        run.signal(signalNumber)
        let stopped = try run.wait(limit: .seconds(10))
        try #require(downloading, "\(stopped)")
        #expect(stopped.status == 128 + signalNumber, "\(stopped)")
        #expect(stopped.stderr.contains("interrupted by"), "\(stopped)")
        #expect(!fixture.stagedFiles().contains { $0.hasSuffix(".partial") }, "\(fixture.stagedFiles())")
        #expect(try fixture.memberCount() == 0)
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
