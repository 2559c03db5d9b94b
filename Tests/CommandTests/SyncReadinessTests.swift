import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `sync` refuses files that may still be uploading (exit 75, nothing applied): settling, minimum age, the
/// done marker, and a temporary upload name beside the files.
@Suite("sync readiness", .serialized, .timeLimit(.minutes(1)))
struct SyncReadinessTests {
    @Test func fileGrowingDuringTheSettleWindowIsNotReady() throws {
        let fixture = try SyncFixture()
        var config = fixture.config()
        config.settle = "2s"
        config.deadline = "20s"
        try fixture.writeConfig(config)
        let writer = AppendingWriter(path: fixture.remotePath("users.csv"), everyMilliseconds: 300)

        writer.start()
        let growing = try fixture.sync(limit: .seconds(40))
        writer.stop()

        #expect(growing.status == 75, "\(growing)")
        #expect(growing.stdout.hasPrefix("acme: not ready: "), "\(growing)")
        #expect(writer.appended > 0)
        #expect(try fixture.memberCount() == 0)
        #expect(!fixture.stagedFiles().contains { $0.hasSuffix(".partial") })

        config.settle = "1s"
        try fixture.writeConfig(config)
        let settled = try fixture.sync(limit: .seconds(40))

        #expect(settled.status == 0, "\(settled)")
        #expect(settled.stdout.hasPrefix("acme: applied: 35 added"), "\(settled)")
        // The appended rows are inactive users, so the audience is still exactly the fixture's.
        #expect(try fixture.export() == SyncFixture.expectedExport())
    }

    @Test func filesYoungerThanMinAgeAreNotReady() throws {
        let fixture = try SyncFixture()
        var config = fixture.config()
        config.minAge = "1h"
        try fixture.writeConfig(config)

        let result = try fixture.sync()

        #expect(result.status == 75, "\(result)")
        #expect(result.stdout.hasPrefix("acme: not ready: "), "\(result)")
        #expect(try fixture.memberCount() == 0)
        #expect(fixture.stagedFiles().isEmpty, "\(fixture.stagedFiles())")
    }

    @Test func missingDoneMarkerIsNotReadyUntilItAppears() throws {
        let fixture = try SyncFixture()
        var config = fixture.config()
        config.doneFile = "users.done"
        try fixture.writeConfig(config)

        let waiting = try fixture.sync()

        #expect(waiting.status == 75, "\(waiting)")
        #expect(waiting.stdout.hasPrefix("acme: not ready: "), "\(waiting)")
        #expect(try fixture.memberCount() == 0)

        #expect(FileManager.default.createFile(atPath: fixture.remotePath("users.done"), contents: Data()))
        let ready = try fixture.sync()

        #expect(ready.status == 0, "\(ready)")
        #expect(ready.stdout.hasPrefix("acme: applied: 35 added"), "\(ready)")
        #expect(try fixture.export() == SyncFixture.expectedExport())
    }

    @Test(arguments: ["users.csv.filepart"])
    func temporaryUploadNameBesideTheFilesIsNotReady(name: String) throws {
        let fixture = try SyncFixture()
        try fixture.writeConfig()
        try FileManager.default.copyItem(atPath: CLI.fixture("users.csv"), toPath: fixture.remotePath(name))

        let uploading = try fixture.sync()

        #expect(uploading.status == 75, "\(uploading)")
        #expect(uploading.stdout.hasPrefix("acme: not ready: "), "\(uploading)")
        #expect(try fixture.memberCount() == 0)

        try FileManager.default.removeItem(atPath: fixture.remotePath(name))
        let done = try fixture.sync()

        #expect(done.status == 0, "\(done)")
        #expect(try fixture.export() == SyncFixture.expectedExport())
    }
}

/// Appends a valid inactive user row to a file at a fixed cadence on a background thread, as a slow upload would.
final class AppendingWriter: @unchecked Sendable {
    private let path: String
    private let intervalMicroseconds: UInt32
    private let lock = NSLock()
    private var running = false
    private var count = 0
    private let done = DispatchSemaphore(value: 0)

    init(path: String, everyMilliseconds interval: UInt32) {
        self.path = path
        intervalMicroseconds = interval * 1000
    }

    /// Rows appended so far.
    var appended: Int { lock.withLock { count } }

    func start() {
        lock.withLock { running = true }
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                let row = appended
                if let handle = FileHandle(forWritingAtPath: path) {
                    _ = try? handle.seekToEnd()
                    let line = "grow\(row)@acme-robotics.example,Grow,Row,g\(row),inactive,,,,,,,,\n"
                    try? handle.write(contentsOf: Data(line.utf8))
                    try? handle.close()
                    lock.withLock { count += 1 }
                }
                usleep(intervalMicroseconds)
            }
            done.signal()
        }
        thread.start()
    }

    /// Stops appending and waits for the thread to finish.
    func stop() {
        lock.withLock { running = false }
        _ = done.wait(timeout: .now() + 5)
    }
}
