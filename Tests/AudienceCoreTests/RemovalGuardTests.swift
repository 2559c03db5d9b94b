import AudienceCore
import Testing

@Suite("Removal guard")
struct RemovalGuardTests {
    @Test(arguments: [
        (removals: 9, current: 20, held: false),  // 45% but fewer than 10
        (removals: 10, current: 100, held: false),  // exactly 10%
        (removals: 11, current: 100, held: true),
        (removals: 10, current: 99, held: true),
        (removals: 500, current: 100_000, held: false),
        (removals: 501, current: 100_000, held: true),
        (removals: 50, current: 0, held: false),  // first import
    ])
    func thresholds(removals: Int, current: Int, held: Bool) {
        #expect(RemovalGuard().holds(removals: removals, current: current) == held)
    }

    @Test func massRemovalIsHeldAndChangesNothing() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(manyUsers(1...50)), groups: "user_id,group_name\n1,G\n")
        let before = try space.dump()
        let report = try space.sync(users: usersCSV(manyUsers(1...30)))
        #expect(report.outcome == .held)
        #expect(report.exitCode == 65)
        #expect(report.counts.removed == 20)
        #expect(report.removalSample.count == 20)
        #expect(report.removalSample.first == RemovedMember(userID: "u31", email: "u31@example.com"))
        #expect(try space.dump() == before)
        #expect(try space.store.history(limit: 1).first?.outcome == "held")
    }

    @Test func dryRunThatTheGuardWouldHoldWritesNothing() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(manyUsers(1...50)))
        let before = try space.dump()
        let runs = try space.store.history(limit: 100).count
        let report = try space.sync(users: usersCSV(manyUsers(1...30)), dryRun: true)
        #expect(report.outcome == .held, "the dry run still tells that the real run would be held")
        #expect(report.counts.removed == 20)
        #expect(try space.dump() == before)
        #expect(try space.store.history(limit: 100).count == runs, "a dry run records no history")
    }

    @Test func allowMassRemovalApplies() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(manyUsers(1...50)))
        let report = try space.sync(users: usersCSV(manyUsers(1...30)), guard: RemovalGuard(disabled: true))
        #expect(report.outcome == .applied)
        #expect(try space.export().count == 30)
    }

    @Test func everyoneInactiveIsHeldNotApplied() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(manyUsers(1...40)))
        let report = try space.sync(users: usersCSV(manyUsers(1...40, state: "inactive")))
        #expect(report.outcome == .held)
        #expect(try space.export().count == 40)
    }
}
