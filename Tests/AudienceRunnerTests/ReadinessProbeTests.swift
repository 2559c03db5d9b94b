import AudienceRunner
import AudienceSFTP
import Foundation
import Testing

/// A drop folder in memory whose files can change between two stats.
private final class FakeFolder: RemoteFolder, @unchecked Sendable {
    var files: [String: RemoteFileInfo] = [:]
    /// Called on every sleep of the probe: lets a test change files "during" the settle window.
    var onSleep: () -> Void = {}

    func put(_ path: String, size: UInt64, age: TimeInterval, now: Date) {
        files[path] = RemoteFileInfo(
            name: (path as NSString).lastPathComponent, size: size, modified: now.addingTimeInterval(-age), kind: .regular)
    }

    func stat(_ path: String) throws -> RemoteFileInfo? { files[path] }

    func list(_ directory: String) throws -> [RemoteFileInfo] {
        files.filter { ($0.key as NSString).deletingLastPathComponent == directory }.map(\.value)
    }
}

@Suite("Readiness: settle, min_age, marker files, temp-named uploads")
struct ReadinessProbeTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func directory(settle: Duration = .seconds(15), minAge: Duration = .seconds(60), doneFile: String? = nil)
        -> DirectoryConfiguration
    {
        DirectoryConfiguration(
            id: "acme",
            endpoint: SFTPEndpoint(host: "127.0.0.1", username: "u", privateKeyPath: "/k", knownHostsPath: "/h"),
            remoteDirectory: "/upload", doneFile: doneFile, settle: settle, minAge: minAge)
    }

    private func probe(_ directory: DirectoryConfiguration, _ folder: FakeFolder) -> ReadinessProbe {
        let now = now
        return ReadinessProbe(directory: directory, sleep: { _ in folder.onSleep() }, now: { now })
    }

    @Test func settledOldFilesAreReady() throws {
        let folder = FakeFolder()
        folder.put("/upload/users.csv", size: 100, age: 120, now: now)
        folder.put("/upload/user_groups.csv", size: 50, age: 120, now: now)
        guard case .ready(let set) = try probe(directory(), folder).check(folder) else {
            Issue.record("expected ready")
            return
        }
        #expect(set.files.map(\.role) == ["users", "groups"])
    }

    @Test func missingUsersFileIsAbsent() throws {
        let folder = FakeFolder()
        folder.put("/upload/user_groups.csv", size: 50, age: 120, now: now)
        #expect(try probe(directory(), folder).check(folder) == .absent(path: "/upload/users.csv"))
    }

    @Test func aFileYoungerThanMinAgeIsNotReady() throws {
        let folder = FakeFolder()
        folder.put("/upload/users.csv", size: 100, age: 120, now: now)
        folder.put("/upload/user_groups.csv", size: 50, age: 10, now: now)
        guard case .notReady(let reason) = try probe(directory(), folder).check(folder) else {
            Issue.record("expected not ready")
            return
        }
        #expect(reason.contains("user_groups.csv was modified 10 s ago; min_age is 60 s"))
    }

    @Test func aGrowingSecondFileMeansTheGenerationIsIncomplete() throws {
        let folder = FakeFolder()
        folder.put("/upload/users.csv", size: 100, age: 120, now: now)
        folder.put("/upload/user_groups.csv", size: 50, age: 120, now: now)
        folder.onSleep = { folder.put("/upload/user_groups.csv", size: 80, age: 120, now: self.now) }
        guard case .notReady(let reason) = try probe(directory(), folder).check(folder) else {
            Issue.record("expected not ready")
            return
        }
        #expect(reason.contains("user_groups.csv is still changing (50 -> 80 bytes"))
    }

    @Test(arguments: ["users.csv.filepart", ".users.csv", ".users.csv.tmp", "user_groups.csv.part", "groups.csv.writing"])
    func temporaryUploadsBesideTheFilesMeanNotReady(_ name: String) throws {
        let folder = FakeFolder()
        folder.put("/upload/users.csv", size: 100, age: 120, now: now)
        folder.put("/upload/\(name)", size: 10, age: 1, now: now)
        guard case .notReady(let reason) = try probe(directory(settle: .zero, minAge: .zero), folder).check(folder) else {
            Issue.record("expected not ready for \(name)")
            return
        }
        #expect(reason.contains(name))
    }

    @Test func unrelatedFilesDoNotBlock() throws {
        let folder = FakeFolder()
        folder.put("/upload/users.csv", size: 100, age: 120, now: now)
        folder.put("/upload/notes.txt.tmp", size: 10, age: 1, now: now)
        folder.put("/upload/users.csv.bak", size: 10, age: 1, now: now)
        if case .ready = try probe(directory(settle: .zero, minAge: .zero), folder).check(folder) {} else {
            Issue.record("expected ready")
        }
    }

    @Test func markerFileDecidesAloneWhenConfigured() throws {
        let folder = FakeFolder()
        folder.put("/upload/users.csv", size: 100, age: 1, now: now)
        let configured = directory(doneFile: "users.done")
        guard case .notReady(let reason) = try probe(configured, folder).check(folder) else {
            Issue.record("expected not ready without the marker")
            return
        }
        #expect(reason.contains("users.done"))
        folder.put("/upload/users.done", size: 0, age: 0, now: now)
        if case .ready = try probe(configured, folder).check(folder) {} else {
            Issue.record("expected ready once the marker exists, whatever the file's age")
        }
    }

    @Test func watchBacksOffAfterFailuresButNotAfterNotReady() {
        var schedule = WatchSchedule(directories: [("acme", .seconds(60))], now: .now, random: { _ in 1.0 })
        #expect(schedule.delay(interval: .seconds(60), failures: 0) == .seconds(60))
        #expect(schedule.delay(interval: .seconds(60), failures: 3) == .seconds(480))
        #expect(schedule.delay(interval: .seconds(60), failures: 12) == .seconds(3600))
        let start = ContinuousClock.now
        schedule.record("acme", exitCode: 75, now: start)
        #expect(schedule.next().1 == start + .seconds(60))
        schedule.record("acme", exitCode: 69, now: start)
        schedule.record("acme", exitCode: 69, now: start)
        #expect(schedule.next().1 == start + .seconds(240))
        let jittered = WatchSchedule(directories: [], now: .now, random: { $0.lowerBound })
        #expect(jittered.delay(interval: .seconds(100), failures: 0) == .seconds(90))
    }
}

@Suite("Connections per file follow the link")
struct LinkProbeTests {
    /// Slow links split large files over up to 4 connections; fast links give a lone large file 2 and keep
    /// one per file when several files are fetched at once.
    @Test(arguments: [
        (Duration.microseconds(80), 1, 2), (.microseconds(80), 2, 1), (.milliseconds(4), 1, 2),
        (.milliseconds(4), 3, 1), (.milliseconds(5), 1, 4), (.milliseconds(50), 2, 4),
    ])
    func largeFilesAreSplitByLinkAndFileCount(roundTrip: Duration, files: Int, connections: Int) {
        let policy = LinkProbe.connectionsPerFile(roundTrip: roundTrip, files: files)
        #expect(policy.connectionCount(forSize: 173 << 20) == connections)
        #expect(policy.connectionCount(forSize: 1 << 20) == 1)
    }
}
