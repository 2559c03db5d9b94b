import AudienceCore
import Foundation
import Logging
import Testing

/// `audience-sync status`, against databases made by the real `import`.
@Suite("status command", .timeLimit(.minutes(3)))
struct StatusCommandTests {
    /// A database with an applied run (#1, 40 members) and a held one (#2, would remove 20).
    static func databaseWithAHeldRun(_ dir: TempDir) throws -> String {
        let db = dir.path("a.db")
        let applied = try CLI.run(["import", "--db", db, "--directory", "acme", "--users", try dir.write("all.csv", MetricsFileTests.all)])
        #expect(applied.status == 0, "\(applied)")
        let held = try CLI.run(["import", "--db", db, "--directory", "acme", "--users", try dir.write("half.csv", MetricsFileTests.half)])
        #expect(held.status == 65, "\(held)")
        return db
    }

    /// One database for text, JSON and a running row: each `import` costs a process, and CI has two cores.
    @Test func showsTheHeldRunTheLockHolderAndRunningRowsInTextAndJSON() throws {
        let dir = try TempDir()
        let db = try Self.databaseWithAHeldRun(dir)
        let lock = try RunLock(databasePath: db)

        let held = try CLI.run(["status", "--db", db])

        #expect(held.status == 0, "\(held)")
        let lines = held.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("lock: held by process \(getpid()): a run is in progress"), "\(held)")
        #expect(lines.contains("acme"))
        #expect(lines.contains("  members      40"), "\(held)")
        #expect(lines.contains { $0.hasPrefix("  last run     #2 ") && $0.contains("import held (exit 65)") }, "\(held)")
        #expect(lines.contains { $0.hasPrefix("  last success #1 ") && $0.hasSuffix(" applied") }, "\(held)")
        #expect(
            lines.contains { $0.hasPrefix("  held run     #2 ") && $0.contains("would remove 20 of 40 members") },
            "\(held)")

        let json = try CLI.run(["status", "--db", db, "--format", "json"])

        #expect(json.status == 0, "\(json)")
        let status = try JSONDecoder().decode(StoreStatus.self, from: Data(json.stdout.utf8))
        #expect(status.lock == LockStatus(held: true, pid: getpid()))
        #expect(status.directories.map(\.directory) == ["acme"])
        let acme = try #require(status.directories.first)
        #expect(acme.members == 40)
        #expect(acme.heldRuns.map(\.id) == [2])
        #expect(acme.heldRuns.first?.removed == 20)
        #expect(acme.lastRun?.id == 2 && acme.lastRun?.outcome == "held" && acme.lastRun?.exitCode == 65)
        #expect(acme.lastSuccess?.id == 1 && acme.lastSuccess?.added == 40 && acme.lastSuccess?.rejected == 1)
        #expect(acme.running.isEmpty)
        // The JSON is read by scripts: a held run and a run each keep exactly their own keys.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let directory = try #require((object["directories"] as? [[String: Any]])?.first)
        let heldRun = try #require((directory["heldRuns"] as? [[String: Any]])?.first)
        #expect(Set(heldRun.keys) == ["added", "id", "membersBefore", "removed", "startedAt", "updated"])
        let lastRun = try #require(directory["lastRun"] as? [String: Any])
        #expect(
            Set(lastRun.keys) == [
                "added", "command", "endedAt", "exitCode", "id", "message", "outcome", "pid", "rejected", "removed",
                "startedAt", "updated",
            ])

        // A run of this process in progress: shown as such while the lock is held, as abandoned after.
        let run = try RunContext.begin(
            store: try AudienceStore(path: db), directory: "acme", command: "sync", dryRun: false,
            logger: Logger(label: "test"))
        let id = try #require(run.id)
        let during = try CLI.run(["status", "--db", db])

        #expect(during.stdout.contains("  running      #\(id) sync started "), "\(during)")
        #expect(during.stdout.contains("by process \(getpid()): in progress"), "\(during)")

        lock.release()
        let after = try CLI.run(["status", "--db", db])

        #expect(after.stdout.contains("lock: free"), "\(after)")
        #expect(after.stdout.contains("by process \(getpid()): not running any more"), "\(after)")
    }

    @Test func readsTheDatabaseNamedByTheConfigurationAndNeverWrites() throws {
        let dir = try TempDir()
        let missing = try CLI.run(["status", "--db", dir.path("none.db")])
        #expect(missing.status == 66, "\(missing)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("none.db")))

        let db = try Self.databaseWithAHeldRun(dir)
        let config = SyncConfig(
            database: db, stagingDir: dir.path("staging"), port: 2222, privateKey: try dir.write("key", ""),
            knownHosts: try dir.write("known_hosts", ""), remoteDir: "/upload")
        let path = try config.write(to: dir.path("audience-sync.yaml"))
        let before = FileManager.default.contents(atPath: db)

        let result = try CLI.run(["status", "--config", path, "--format", "json"])

        #expect(result.status == 0, "\(result)")
        #expect(try JSONDecoder().decode(StoreStatus.self, from: Data(result.stdout.utf8)).directories.first?.members == 40)
        #expect(FileManager.default.contents(atPath: db) == before)
        // SQLite may create an empty WAL to read a WAL-mode database; nothing is written to it.
        #expect((FileManager.default.contents(atPath: db + "-wal") ?? Data()).isEmpty)
    }

    @Test(arguments: [["status"], ["status", "--db", "a.db", "--config", "c.yaml"], ["status", "--db", "a.db", "--format", "csv"]])
    func usageErrorsExit64(arguments: [String]) throws {
        #expect(try CLI.run(arguments).status == 64)
    }
}
