import Foundation
import Logging
import SSHTestSupport
import Testing

@testable import AudienceSFTP

/// A split file's extra connections are an optimisation: one that cannot log in is tried once (no retries,
/// even when the caller's policy retries), logged as one `file.connection_failed` warning, and the first
/// connection fetches the whole file.
@Suite(.timeLimit(.minutes(1)))
struct ExtraConnectionFailureTests {
    @Test func extraConnectionRefusedByTheServerIsTriedOnceAndTheFileArrives() throws {
        let fixture = try SFTPFixture()
        let size = 6_000_001
        let remote = try fixture.makeRemoteFile("users.csv", bytes: size)
        // Forwards the download's first connection; closes every later one before the SSH banner, which the
        // client sees as a connection cut short: a transient failure its retry policy would retry.
        let proxy = try FaultyTCPProxy(forwardingTo: fixture.server.port, forwardFirst: 1)
        defer { proxy.stop() }
        let hostLine = try fixture.server.knownHostsLine()
            .replacingOccurrences(of: "[127.0.0.1]:\(fixture.server.port) ", with: "[127.0.0.1]:\(proxy.port) ")
        try (hostLine + "\n").write(toFile: fixture.knownHostsPath, atomically: true, encoding: .utf8)
        let events = CapturedEvents()
        let logger = Logger(label: "test") { _ in events.handler }

        // Three attempts for the first connection: were the extra connection given this policy, the proxy
        // would see three attempts for it instead of one.
        let results = ParallelDownloader.download(
            [DownloadRequest(remotePath: remote)], from: fixture.endpoint(port: proxy.port),
            into: fixture.staging.path, connectionsPerFile: .exactly(2),
            retryPolicy: RetryPolicy(attempts: 3, delays: [.milliseconds(50)]), logger: logger)

        let result = try results[0].get()
        #expect(result.bytes == UInt64(size))
        #expect(result.connections == 1)
        #expect(result.sha256 == (try Shell.sha256(remote)))
        #expect(try Shell.sha256(result.localPath) == result.sha256)
        #expect(fixture.staging.contents() == ["users.csv"])
        // One for the download's own connection, one for the single extra attempt. A late retry would come
        // 50 ms after the failure; the extra connection's thread has ended before download returns.
        usleep(300_000)
        #expect(proxy.connectionsAccepted == 2)
        let failed = events.all.filter { $0.event == "file.connection_failed" }
        #expect(failed.count == 1)
        #expect(failed.first?.level == .warning)
        #expect(failed.first?.file == remote)
        #expect(!events.all.contains { $0.event == "sftp.retry" })
    }
}

/// Log records collected from any thread: level, message and the `event` and `file` metadata.
final class CapturedEvents: @unchecked Sendable {
    struct Event {
        var level: Logger.Level
        var message: String
        var event: String?
        var file: String?
    }

    private let lock = NSLock()
    private var events: [Event] = []

    var all: [Event] { lock.withLock { events } }

    var handler: Handler { Handler(sink: self) }

    fileprivate func append(_ event: Event) { lock.withLock { events.append(event) } }

    struct Handler: LogHandler {
        let sink: CapturedEvents
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
            file: String, function: String, line: UInt
        ) {
            let merged = metadata.merging(explicit ?? [:]) { $1 }
            sink.append(
                Event(
                    level: level, message: message.description, event: merged["event"]?.description,
                    file: merged["file"]?.description))
        }
    }
}
