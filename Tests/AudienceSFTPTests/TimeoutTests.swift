import AudienceSFTP
import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.timeLimit(.minutes(1)))
struct TimeoutTests {
    @Test func nothingListeningIsUnreachableAfterTheRetries() throws {
        let fixture = try SFTPFixture()
        let endpoint = fixture.endpoint(port: try closedPort())
        let started = ContinuousClock.now

        let error = #expect(throws: SFTPError.self) {
            try SFTPConnection(endpoint: endpoint, retryPolicy: RetryPolicy(attempts: 3, delays: [.milliseconds(50)]))
        }

        guard case .unreachable(let host, let port, let attempts, let message) = error else {
            Issue.record("expected unreachable, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1")
        #expect(port == endpoint.port)
        #expect(attempts == 3)
        #expect(message.lowercased().contains("refused"))
        #expect(error?.exitCode == 69)
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func serverThatNeverSpeaksTimesOutWithinTheConnectTimeout() throws {
        let fixture = try SFTPFixture()
        let silent = try SilentTCPServer()
        let endpoint = fixture.endpoint(port: silent.port, connectTimeout: .seconds(2))
        let started = ContinuousClock.now

        let error = #expect(throws: SFTPError.self) { try SFTPConnection(endpoint: endpoint, retryPolicy: .fast) }

        let elapsed = ContinuousClock.now - started
        #expect(error == .timeout(host: "127.0.0.1", operation: "key exchange", seconds: 2))
        #expect(error?.exitCode == 75)
        #expect(elapsed >= .seconds(1.9))
        #expect(elapsed < .seconds(4))
    }

    @Test func frozenServerMidDownloadTimesOutAndLeavesNothing() throws {
        let fixture = try SFTPFixture()
        // A sparse 1 GiB file: instant to create, long enough to still be transferring when frozen.
        let remote = fixture.server.remotePath("huge.bin")
        #expect(FileManager.default.createFile(atPath: remote, contents: nil))
        #expect(truncate(remote, 1 << 30) == 0)
        let connection = try fixture.connect(operationTimeout: .seconds(2))
        defer { connection.close() }
        let partial = fixture.staging.file("huge.bin.partial")

        let outcome = DownloadOutcome()
        let finished = DispatchSemaphore(value: 0)
        let staging = fixture.staging.path
        nonisolated(unsafe) let unsafeConnection = connection
        let thread = Thread {
            outcome.set(Result { try unsafeConnection.download(remote, into: staging) })
            finished.signal()
        }
        thread.start()

        // Wait for the transfer to be under way, then freeze every process serving the connection.
        let limit = Date().addingTimeInterval(10)
        while Date() < limit {
            let size = (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
            if size > 4 << 20 { break }
            usleep(2_000)
        }
        fixture.server.freezeConnections()
        defer { fixture.server.thawConnections() }
        let started = ContinuousClock.now

        #expect(finished.wait(timeout: .now() + 15) == .success)
        let elapsed = ContinuousClock.now - started
        let error = #expect(throws: SFTPError.self) { try outcome.result?.get() }
        #expect(error == .timeout(host: "127.0.0.1", operation: "download", seconds: 2))
        #expect(error?.exitCode == 75)
        #expect(elapsed < .seconds(5))
        #expect(fixture.staging.contents().isEmpty)
        // The dead connection keeps failing fast instead of hanging.
        #expect(throws: SFTPError.self) { try connection.stat(remote) }
    }

    @Test func frozenServerDuringStatAndListTimesOut() throws {
        let fixture = try SFTPFixture()
        let connection = try fixture.connect(operationTimeout: .seconds(1))
        defer { connection.close() }
        #expect(try connection.stat(fixture.server.dataDirectory) != nil)

        fixture.server.freezeConnections()
        defer { fixture.server.thawConnections() }
        let started = ContinuousClock.now
        let error = #expect(throws: SFTPError.self) { try connection.list(fixture.server.dataDirectory) }

        #expect(error == .timeout(host: "127.0.0.1", operation: "list", seconds: 1))
        #expect(ContinuousClock.now - started < .seconds(3))
        let again = #expect(throws: SFTPError.self) { try connection.stat(fixture.server.dataDirectory) }
        #expect(again?.exitCode == 75)
    }

    @Test func deadlineInThePastAbortsTheNextOperation() throws {
        let fixture = try SFTPFixture()
        var endpoint = fixture.endpoint()
        endpoint.deadline = .now + .milliseconds(300)
        let connection = try SFTPConnection(endpoint: endpoint, retryPolicy: .fast)
        defer { connection.close() }
        Thread.sleep(forTimeInterval: 0.4)

        let error = #expect(throws: SFTPError.self) { try connection.stat(fixture.server.remotePath("x")) }

        guard case .timeout(_, let operation, _) = error else {
            Issue.record("expected timeout, got \(String(describing: error))")
            return
        }
        #expect(operation == "stat")
    }
}

private final class DownloadOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Result<DownloadResult, Error>?

    var result: Result<DownloadResult, Error>? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    func set(_ result: Result<DownloadResult, Error>) {
        lock.lock()
        stored = result
        lock.unlock()
    }
}
