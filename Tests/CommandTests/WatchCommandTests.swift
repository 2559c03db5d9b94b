import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `audience-sync watch`: runs each directory on its interval and stops cleanly on SIGTERM or SIGINT.
@Suite("watch", .timeLimit(.minutes(1)))
struct WatchCommandTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func watchAppliesOnItsIntervalAndExitsZeroOnSignal(signal: Int32) throws {
        let fixture = try SyncFixture()
        var config = fixture.config()
        config.interval = "1s"
        try fixture.writeConfig(config)
        let watch = try CLIProcess(["watch", "--config", fixture.configPath])

        let applied = try eventually(within: .seconds(30)) {
            guard watch.isRunning else { return true }
            return try fixture.outcomes().contains("applied")
        }
        guard applied, watch.isRunning else {
            Issue.record("watch exited or never applied: \(try watch.wait(limit: .seconds(1)))")
            return
        }
        // A couple more intervals: later runs find the same files and change nothing.
        let repeated = try eventually(within: .seconds(10)) { try fixture.outcomes().contains("unchanged") }
        #expect(repeated, "outcomes: \((try? fixture.outcomes()) ?? [])")

        let signalled = ContinuousClock.now
        watch.signal(signal)
        let result = try watch.wait(limit: .seconds(10))

        #expect(result.status == 0, "\(result)")
        #expect(ContinuousClock.now - signalled < .seconds(10))
        #expect(try fixture.export() == SyncFixture.expectedExport())
        #expect(!fixture.stagedFiles().contains { $0.hasSuffix(".partial") }, "\(fixture.stagedFiles())")
    }

    @Test func signalDuringARunFinishesItAndExitsZero() throws {
        let fixture = try SyncFixture()
        var config = fixture.config()
        // A long settle window keeps the first run busy when the signal arrives.
        config.settle = "3s"
        config.interval = "1s"
        try fixture.writeConfig(config)
        let watch = try CLIProcess(["watch", "--config", fixture.configPath])
        // The run is under way once it has logged run.start (JSON lines: stderr is not a terminal). Not "sshd
        // has a connection process": the fixture's ssh-keyscan leaves one behind for a moment, and a signal
        // sent before watch has installed its handlers kills it (143).
        let connected = eventually(within: .seconds(10)) { watch.stderr.contains("\"event\":\"run.start\"") }
        guard connected, watch.isRunning else {
            Issue.record("watch never connected: \(try watch.wait(limit: .seconds(1)))")
            return
        }

        watch.signal(SIGTERM)
        let result = try watch.wait(limit: .seconds(15))

        #expect(result.status == 0, "\(result)")
        // The run in progress is finished (applied), not abandoned, and no further run starts.
        #expect(try fixture.outcomes() == ["applied"])
        #expect(!fixture.stagedFiles().contains { $0.hasSuffix(".partial") }, "\(fixture.stagedFiles())")
    }
}
