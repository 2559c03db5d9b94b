import AudienceCore
import Foundation
import Logging
import Testing

@Suite("Directory status", .timeLimit(.minutes(3)))
struct DirectoryStatusTests {
    @Test func showsLastRunLastSuccessHeldRunsAndRunningRows() throws {
        let space = try Workspace()
        let applied = try space.sync(users: usersCSV(manyUsers(1...50) + ["bad:no-at-sign:F:L"]))
        let held = try space.sync(users: usersCSV(manyUsers(1...30)))
        #expect(held.outcome == .held)

        let status = try #require(try space.store.directoryStatuses().first)

        #expect(try space.store.directoryStatuses().map(\.directory) == ["acme"])
        #expect(status.members == 50)
        #expect(status.lastRun?.id == held.runID)
        #expect(status.lastRun?.outcome == "held")
        #expect(status.lastRun?.exitCode == 65)
        #expect(status.lastRun?.removed == 20)
        #expect(status.lastSuccess?.id == applied.runID)
        #expect(status.lastSuccess?.outcome == "applied")
        #expect(status.lastSuccess?.added == 50)
        #expect(status.lastSuccess?.rejected == 1)
        #expect(status.heldRuns == [
            HeldRunBrief(id: try #require(held.runID), startedAt: status.heldRuns.first?.startedAt ?? "", added: 0,
                updated: 0, removed: 20, membersBefore: 50)
        ])
        #expect(status.running.isEmpty)
        let duration = try #require(status.lastRun?.durationSeconds)
        #expect(duration >= 0 && duration < 60)

        let running = try RunContext.begin(
            store: space.store, directory: "acme", command: "sync", dryRun: false, logger: Logger(label: "test"))
        let during = try #require(try space.store.directoryStatuses().first)
        #expect(during.running.map(\.id) == [try #require(running.id)])
        #expect(during.running.first?.pid == Int(getpid()))
        #expect(during.lastRun?.id == held.runID, "a running row is not the last run")
    }

    @Test func aMissingInputFileIsRecordedNotLeftRunning() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(manyUsers(1...5)))
        let request = SyncRequest(directory: "acme", usersPath: space.root.appendingPathComponent("gone.csv").path)

        #expect(throws: ValidationError.self) { try DirectorySync(store: space.store).run(request) }

        let last = try #require(try space.store.history(directory: "acme", limit: 1).first)
        #expect(last.outcome == "rejected")
        #expect(last.exitCode == 66)
        #expect(try space.store.directoryStatuses().first?.running.isEmpty == true)
    }

    @Test func theLockProbeSeesTheHolderAndItsPID() throws {
        let space = try Workspace()
        #expect(LockStatus.probe(databasePath: space.databasePath) == LockStatus(held: false, pid: nil))
        let lock = try RunLock(databasePath: space.databasePath)
        #expect(LockStatus.probe(databasePath: space.databasePath) == LockStatus(held: true, pid: getpid()))
        lock.release()
        #expect(LockStatus.probe(databasePath: space.databasePath) == LockStatus(held: false, pid: nil))
    }
}
