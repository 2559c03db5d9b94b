import AudienceCore
import Foundation
import GRDB
import Logging
import Testing

/// Runs get their history row when they start; what a kill leaves behind is found by the next run;
/// held plans are kept, superseded and checked before approval.
@Suite("Run lifecycle and held plans")
struct RunLifecycleTests {
    @Test func aRunKilledBeforeRecordingIsMarkedInterruptedByTheNextOne() throws {
        let space = try Workspace()
        let killed = try RunContext.begin(
            store: space.store, directory: "acme", command: "import", dryRun: false, logger: Logger(label: "test"))
        let id = try #require(killed.id)
        // The row of a process that died: another PID, still 'running'.
        let queue = try DatabaseQueue(path: space.databasePath)
        try queue.write { try $0.execute(sql: "UPDATE runs SET pid = 999999 WHERE id = ?", arguments: [id]) }
        #expect(try space.store.run(id: id)?.outcome == "running")

        try space.sync(users: usersCSV(manyUsers(1...3)))

        let run = try #require(try space.store.run(id: id))
        #expect(run.outcome == "interrupted")
        #expect(run.exitCode == 137)
        #expect(run.message?.contains("killed or power loss") == true)
        #expect(try space.store.history(limit: 1).first?.outcome == "applied")
    }

    @Test func runEndIsLoggedOnceWhoeverEndsTheRun() throws {
        let space = try Workspace()
        let context = try RunContext.begin(
            store: space.store, directory: "acme", command: "import", dryRun: true, logger: Logger(label: "test"))
        #expect(context.id == nil)
        #expect(!context.hasEnded)
        #expect(context.end(outcome: "applied", exitCode: 0))
        #expect(!context.end(outcome: "interrupted", exitCode: 143))
        #expect(context.hasEnded)
        // A dry run writes no history.
        #expect(try space.store.history().isEmpty)
    }

    @Test func aHeldRunKeepsItsPlanUntilApprovedAndThePlanIsApplied() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(manyUsers(1...50)))
        let held = try space.sync(users: usersCSV(manyUsers(1...30) + ["new1:new1@example.com:New:One:active"]))
        #expect(held.outcome == .held)
        let runID = try #require(held.runID)
        #expect(try space.store.pendingRunIDs() == [runID])
        let plan = try space.store.planEntries(runID: runID)
        #expect(plan.filter { $0.action == "remove" }.map(\.userID).sorted() == (31...50).map { "u\($0)" }.sorted())
        #expect(plan.filter { $0.action == "add" }.map(\.email) == ["new1@example.com"])

        let report = try PlanApprover(store: space.store, logger: Logger(label: "test")).approve(runID: runID, approvedBy: "ops")
        #expect(report.outcome == .applied)
        #expect(report.counts.removed == 20 && report.counts.added == 1)
        #expect(try space.export().count == 31)
        let approved = try #require(try space.store.run(id: runID))
        #expect(approved.planState == "approved" && approved.resolvedBy == "ops")
        #expect(try space.store.planEntries(runID: runID).isEmpty)
        #expect(try space.store.pendingRunIDs().isEmpty)
    }

    @Test func approvalIsRefusedWhenTheMembersChangedBehindTheHistory() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(manyUsers(1...50)))
        let held = try space.sync(users: usersCSV(manyUsers(1...30)))
        let runID = try #require(held.runID)
        // Not through a run: the history shows no later change, but the members differ.
        let queue = try DatabaseQueue(path: space.databasePath)
        try queue.write { try $0.execute(sql: "DELETE FROM members WHERE user_id = 'u1'") }
        let before = try space.export()

        #expect(throws: PlanError.self) {
            try PlanApprover(store: space.store, logger: Logger(label: "test")).approve(runID: runID)
        }
        #expect(try space.export() == before)
        #expect(try space.store.run(id: runID)?.planState == "pending")
        #expect(try space.store.history(limit: 1).first?.outcome == "refused")
    }
}
