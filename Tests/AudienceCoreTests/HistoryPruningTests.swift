import AudienceCore
import GRDB
import Logging
import Testing

@Suite("History pruning", .timeLimit(.minutes(3)))
struct HistoryPruningTests {
    @Test func keepsTheNewestRunsWithTheirRejectedRowsAndDeletesTheRest() throws {
        let space = try Workspace()
        // Six applied runs, each adding a member and rejecting one row.
        for i in 1...6 { try space.sync(users: usersCSV(manyUsers(1...(10 + i)) + ["bad\(i):no-at-sign:F:L"])) }
        try space.sync("other", users: usersCSV(manyUsers(1...3)))
        let ids = try space.store.history(directory: "acme", limit: 100).map(\.id)
        #expect(ids.count == 6)
        let old = Array(ids.dropFirst(3))
        #expect(try childRows(space, runs: old) == 6, "each old run has a file row and a rejected row to delete")

        let deleted = try space.store.pruneHistory(directory: "acme", keep: 3)

        #expect(deleted == 3)
        #expect(try space.store.history(directory: "acme", limit: 100).map(\.id) == Array(ids.prefix(3)))
        for id in ids.prefix(3) { #expect(try space.store.rejections(runID: id).count == 1) }
        #expect(try childRows(space, runs: old) == 0)
        #expect(try orphans(space) == 0)
        #expect(try space.store.history(directory: "other", limit: 100).count == 1)
        #expect(try space.store.pruneHistory(directory: "acme", keep: 3) == 0)
    }

    @Test func neverDeletesAPendingHeldRunOrARunningRow() throws {
        let space = try Workspace()
        let running = try RunContext.begin(
            store: space.store, directory: "acme", command: "sync", dryRun: false, logger: Logger(label: "test"))
        let applied = try space.sync(users: usersCSV(manyUsers(1...50)))
        let held = try space.sync(users: usersCSV(manyUsers(1...30)))
        #expect(held.outcome == .held)
        // Unchanged runs neither apply nor hold, so the held run stays pending.
        var unchanged: [Int64] = []
        for _ in 1...3 {
            let report = try space.sync(users: usersCSV(manyUsers(1...50)))
            #expect(report.outcome == .unchanged)
            unchanged.append(try #require(report.runID))
        }
        let heldID = try #require(held.runID)
        let planRows = try count(space, "SELECT count(*) FROM run_plan WHERE run_id = ?", [heldID])
        #expect(planRows > 0)

        let deleted = try space.store.pruneHistory(directory: "acme", keep: 2)

        #expect(deleted == 2)
        let kept = try space.store.history(directory: "acme", limit: 100).map(\.id)
        #expect(kept == [unchanged[2], unchanged[1], heldID, try #require(running.id)])
        #expect(!kept.contains(try #require(applied.runID)))
        #expect(try count(space, "SELECT count(*) FROM run_plan WHERE run_id = ?", [heldID]) == planRows)
        #expect(try space.store.directoryStatuses().first?.heldRuns.map(\.id) == [heldID])
        #expect(try orphans(space) == 0)
    }

    private func count(_ space: Workspace, _ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try GRDBTestSupport.queue(space.databasePath).read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? 0 }
    }

    /// File and rejected-row rows of these runs.
    private func childRows(_ space: Workspace, runs: [Int64]) throws -> Int {
        let list = runs.map(String.init).joined(separator: ",")
        return try count(space, "SELECT count(*) FROM run_files WHERE run_id IN (\(list))")
            + count(space, "SELECT count(*) FROM run_rejects WHERE run_id IN (\(list))")
    }

    /// Child rows whose run is gone.
    private func orphans(_ space: Workspace) throws -> Int {
        try ["run_files", "run_rejects", "run_plan"].reduce(0) { total, table in
            total + (try count(space, "SELECT count(*) FROM \(table) WHERE run_id NOT IN (SELECT id FROM runs)"))
        }
    }
}
