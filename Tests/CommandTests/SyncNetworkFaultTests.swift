import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `sync` against faults between the real loopback sshd and the client: a session process killed, a stalled
/// TCP path, a server that hangs up after its banner, a file truncated or replaced while it is read.
///
/// Each must end with a clear message and a documented exit code within the configured timeouts, leave no
/// `.partial` or downloaded file in staging and the database unchanged, and the next run must succeed once the
/// fault is gone. Serialized: the timing bounds are sensitive to CPU contention.
@Suite("sync network faults", .serialized, .timeLimit(.minutes(3)))
struct SyncNetworkFaultTests {
    /// A ~19 MB users.csv with the fixture's audience, read through a proxy at 6 MB/s: about three seconds of
    /// download in which to act.
    static let slowFileBytes = (padding: 900_000, inactiveRows: 0, bytesPerSecond: 6_000_000)

    @Test func sessionProcessKilledMidDownloadWhileTheListenerStaysUp() throws {
        let fixture = try SyncFixture()
        try BigExport.write(to: fixture.remotePath("users.csv"))
        try fixture.writeConfig()
        let run = try CLIProcess(["sync", "--config", fixture.configPath])
        let downloading = eventually(within: .seconds(30)) { !run.isRunning || Self.partialExists(fixture) }
        let started = ContinuousClock.now
        // Only the processes serving the session die; sshd keeps accepting, as after an OOM kill of one session.
        fixture.server.killConnections()
        let result = try run.wait(limit: .seconds(30))
        let elapsed = ContinuousClock.now - started
        try #require(downloading, "\(result)")
        Self.report("session process killed", result, elapsed)

        #expect([69, 74, 75].contains(result.status), "\(result)")
        #expect(result.stderr.contains("audience-sync: acme: "), "\(result)")
        #expect(result.stderr.contains("127.0.0.1") || result.stderr.contains("users.csv"), "\(result)")
        #expect(elapsed < .seconds(10), "took \(elapsed)")
        try Self.expectCleanFailure(fixture)
        try Self.expectRecovery(fixture)
    }

    @Test func stalledConnectionEndsWithinTheOperationTimeout() throws {
        let fixture = try SyncFixture()
        try BigExport.write(
            to: fixture.remotePath("users.csv"), padding: Self.slowFileBytes.padding,
            inactiveRows: Self.slowFileBytes.inactiveRows)
        let proxy = try FaultyTCPProxy(forwardingTo: fixture.server.port, bytesPerSecond: Self.slowFileBytes.bytesPerSecond)
        defer { proxy.stop() }
        try Self.trust(fixture, port: proxy.port)
        var config = fixture.config()
        config.port = proxy.port
        config.connectTimeout = "2s"
        config.operationTimeout = "2s"
        config.deadline = "20s"
        try fixture.writeConfig(config)
        let run = try CLIProcess(["sync", "--config", fixture.configPath])
        let downloading = eventually(within: .seconds(30)) { !run.isRunning || Self.partialExists(fixture) }
        // The path goes silent with every connection open: no FIN, no RST, just no bytes either way.
        proxy.stall()
        let started = ContinuousClock.now
        let result = try run.wait(limit: .seconds(40))
        let elapsed = ContinuousClock.now - started
        try #require(downloading, "\(result)")
        Self.report("TCP path stalled (operation_timeout 2s, connect_timeout 2s, deadline 20s)", result, elapsed)

        #expect([69, 75].contains(result.status), "\(result)")
        #expect(result.stderr.contains("audience-sync: acme: "), "\(result)")
        #expect(result.stderr.contains("127.0.0.1"), "\(result)")
        // The deadline bounds the run whatever the retries do.
        #expect(elapsed < .seconds(20 + 5), "took \(elapsed)")
        try Self.expectCleanFailure(fixture)

        proxy.resume()
        proxy.throttle(bytesPerSecond: nil)
        try Self.expectRecovery(fixture)
    }

    @Test func serverThatClosesRightAfterTheBannerFailsQuickly() throws {
        let fixture = try SyncFixture()
        let server = try BannerThenCloseServer()
        defer { server.stop() }
        var config = fixture.config()
        config.port = server.port
        try fixture.writeConfig(config)
        let started = ContinuousClock.now

        let result = try fixture.sync(limit: .seconds(30))

        let elapsed = ContinuousClock.now - started
        Self.report("server closes after the banner", result, elapsed)
        // SFTPError.sessionFailed (the key exchange broke) is an I/O error, 74.
        #expect([69, 74, 75].contains(result.status), "\(result)")
        #expect(result.stderr.contains("audience-sync: acme: "), "\(result)")
        #expect(result.stderr.contains("127.0.0.1"), "\(result)")
        #expect(server.connections >= 1)
        #expect(elapsed < .seconds(15), "took \(elapsed)")
        try Self.expectCleanFailure(fixture)

        try fixture.writeConfig()
        try Self.expectRecovery(fixture)
    }
}

extension SyncNetworkFaultTests {
    /// Truncation right after the download opened the file (it has stat'ed it, the .partial exists, few bytes
    /// have arrived), and replacement by rename while it is read.
    enum RemoteChange: String, CaseIterable, CustomStringConvertible {
        case truncated, replaced
        var description: String { rawValue }
    }

    @Test(arguments: RemoteChange.allCases)
    func remoteFileChangedDuringTheDownloadIsNotApplied(_ change: RemoteChange) throws {
        let fixture = try SyncFixture()
        let remote = fixture.remotePath("users.csv")
        let size = try BigExport.write(
            to: remote, padding: Self.slowFileBytes.padding, inactiveRows: Self.slowFileBytes.inactiveRows)
        let proxy = try FaultyTCPProxy(forwardingTo: fixture.server.port, bytesPerSecond: Self.slowFileBytes.bytesPerSecond)
        defer { proxy.stop() }
        try Self.trust(fixture, port: proxy.port)
        var config = fixture.config()
        config.port = proxy.port
        try fixture.writeConfig(config)
        let run = try CLIProcess(["sync", "--config", fixture.configPath])
        let downloading = eventually(within: .seconds(30)) { !run.isRunning || Self.partialExists(fixture) }
        let replacement = try Self.replacementExport()
        switch change {
        case .truncated:
            // Cut inside a row: what an uploader that rewrites the file in place leaves for a moment.
            #expect(truncate(remote, off_t(size / 2)) == 0)
        case .replaced:
            let next = fixture.remotePath("next-users.csv")
            try replacement.write(toFile: next, atomically: false, encoding: .utf8)
            #expect(rename(next, remote) == 0)
        }
        let started = ContinuousClock.now
        let result = try run.wait(limit: .seconds(60))
        let elapsed = ContinuousClock.now - started
        try #require(downloading, "\(result)")
        Self.report("remote users.csv \(change) during the download", result, elapsed)

        #expect([74, 75].contains(result.status), "\(result)")
        // A changed file is "not ready" (75), reported on stdout; a size mismatch mid-read is an error on stderr.
        let message = result.stdout + result.stderr
        #expect(message.contains("users.csv") && message.contains("changed during"), "\(result)")
        #expect(elapsed < .seconds(15), "took \(elapsed)")
        try Self.expectCleanFailure(fixture)

        // The fault gone: the uploader finished writing (the full file again, or the new one).
        proxy.throttle(bytesPerSecond: nil)
        switch change {
        case .truncated:
            try BigExport.write(
                to: remote, padding: Self.slowFileBytes.padding, inactiveRows: Self.slowFileBytes.inactiveRows)
            try Self.expectRecovery(fixture)
        case .replaced:
            let retry = try fixture.sync(limit: .seconds(45))
            #expect(retry.status == 0, "\(retry)")
            let export = try fixture.export()
            #expect(export.contains("late.joiner@acme-robotics.example"), "the replacement was not applied")
            #expect(try fixture.memberCount() == SyncFixture.expectedExport().split(separator: "\n").count)
        }
    }
}

extension SyncNetworkFaultTests {
    /// known_hosts names the port, so a proxy in front of sshd needs its own line for the same key.
    static func trust(_ fixture: SyncFixture, port: Int) throws {
        let line = try fixture.server.knownHostsLine().replacingOccurrences(
            of: "[127.0.0.1]:\(fixture.server.port) ", with: "[127.0.0.1]:\(port) ")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fixture.knownHostsPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
        try handle.close()
    }

    static func partialExists(_ fixture: SyncFixture) -> Bool {
        fixture.stagedFiles().contains { $0.hasSuffix("users.csv.partial") }
    }

    /// Prints the measured time-to-exit, for the record.
    static func report(_ fault: String, _ result: CLI.Result, _ elapsed: Duration) {
        let message = (result.stdout + result.stderr).split(separator: "\n").last { $0.hasPrefix("audience-sync: ") || $0.hasPrefix("acme: ") } ?? ""
        print("network fault: \(fault): exit \(result.status) after \(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000) ms: \(message)")
    }

    /// Nothing downloaded is left in staging (neither a `.partial` nor a complete file the run did not apply),
    /// and the database has no members.
    static func expectCleanFailure(_ fixture: SyncFixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(fixture.stagedFiles().isEmpty, "left in staging: \(fixture.stagedFiles())", sourceLocation: sourceLocation)
        #expect(try fixture.memberCount() == 0, sourceLocation: sourceLocation)
    }

    /// The next run, with the fault gone, applies the fixture's audience and leaves staging empty.
    static func expectRecovery(_ fixture: SyncFixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let retry = try fixture.sync(limit: .seconds(45))
        #expect(retry.status == 0, "\(retry)", sourceLocation: sourceLocation)
        #expect(try fixture.export() == SyncFixture.expectedExport(), sourceLocation: sourceLocation)
        #expect(fixture.stagedFiles().isEmpty, "\(fixture.stagedFiles())", sourceLocation: sourceLocation)
    }

    /// The fixture's users.csv plus one new active member: a different generation of the export.
    static func replacementExport() throws -> String {
        try String(contentsOfFile: CLI.fixture("users.csv"), encoding: .utf8)
            + "late.joiner@acme-robotics.example,Joiner,Late,a9999,active,Engineer,Engineering,2026-01-05,,Berlin,Germany,,\n"
    }
}
