import Foundation
import SSHTestSupport
import Testing

/// Through `sync`: a lone large users.csv is split over extra connections; a server that refuses them (here a
/// proxy that forwards only the first TCP connection) costs one attempt each, one `file.connection_failed`
/// warning each, and the run still applies the file fetched over the first connection.
@Suite("sync when extra download connections are refused", .timeLimit(.minutes(2)))
struct SyncExtraConnectionTests {
    @Test func refusedExtraConnectionsAreTriedOnceAndTheRunApplies() throws {
        let fixture = try SyncFixture(uploadFixtures: false)
        // 80 rows of 900,000 bytes (the fixture's 20, plus 60 inactive ones): ~72 MB, at least the 64 MiB from
        // which a lone file on a fast link gets two connections (ConnectionsPerFile.two).
        let remote = fixture.remotePath("users.csv")
        let size = try BigExport.write(to: remote, padding: 900_000, inactiveRows: 60)
        try #require(size >= 64 << 20)
        let proxy = try FaultyTCPProxy(forwardingTo: fixture.server.port, forwardFirst: 1)
        defer { proxy.stop() }
        try SyncNetworkFaultTests.trust(fixture, port: proxy.port)
        var config = fixture.config()
        config.port = proxy.port
        config.deadline = "60s"
        try fixture.writeConfig(config)

        let result = try fixture.sync(limit: .seconds(90))

        #expect(result.status == 0, "\(result)")
        #expect(try fixture.memberCount() > 0)
        let failed = result.stderr.split(separator: "\n").filter { $0.contains("\"event\":\"file.connection_failed\"") }
        // The readiness probe, the round-trip probe (LinkProbe) and the first file's download share the run's
        // one connection. Below LinkProbe.wideAreaRoundTrip (5 ms, the normal case on loopback) the file gets
        // ConnectionsPerFile.two: one extra connection. A loaded machine can measure 5 ms or more, and then
        // .automatic gives this file four: three extra. Either way each extra one is attempted exactly once.
        #expect(failed.count == 1 || failed.count == 3, "\(result)")
        #expect(proxy.connectionsAccepted == 1 + failed.count, "accepted \(proxy.connectionsAccepted)\n\(result)")
        #expect(!result.stderr.contains("\"event\":\"sftp.retry\""), "\(result)")
        #expect(fixture.stagedFiles() == [], "\(fixture.stagedFiles())")
    }
}
