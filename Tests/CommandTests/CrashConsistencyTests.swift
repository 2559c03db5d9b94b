import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A second import killed with SIGKILL at many points must leave the database intact and exactly as before or
/// exactly as after the import, and the next import must succeed.
///
/// CI: 100,000 users, 21 kill points. `AUDIENCE_SYNC_LONG=1` (see Benchmarks/crash/run.sh): 1,000,000 users
/// and 49 kill points. The time limit only guards against a hang: on a loaded 2-core machine the CI mode takes
/// 2-8 minutes. Serialized and alone in its suite: the kill points are timed against a measured run.
@Suite("crash consistency", .serialized, .timeLimit(.minutes(CrashWorkspace.long ? 240 : 10)))
struct CrashConsistencyTests {
    @Test func sigkillDuringTheSecondImportLeavesTheStateBeforeOrAfter() throws {
        let workspace = try CrashWorkspace(users: CrashWorkspace.long ? 1_000_000 : 100_000)
        let calibration = try Self.measure(workspace)
        let stateB = calibration.state
        try #require(stateB != workspace.stateA, "B's import changed nothing")

        var trials: [CrashTrial] = []
        for point in Self.killPoints(calibration) {
            trials.append(try CrashTrial.run(point, in: workspace, stateB: stateB))
        }
        print(CrashTrialTable.render(trials, users: workspace.users, runDuration: calibration.duration))

        for (index, trial) in trials.enumerated() {
            let label = "trial \(index + 1) (\(trial.point))"
            #expect(trial.integrity == ["ok"], "\(label): integrity_check \(trial.integrity)")
            #expect(trial.found != .mixed, "\(label): the database is neither A nor B (\(trial.members) members)")
            // SQLite syncs the WAL before COMMIT returns (synchronous=FULL), and the run logs `commit` after that.
            if trial.lastPhase == "commit" || trial.exitStatus == 0 {
                #expect(trial.found == .after, "\(label): the commit was logged but the import is lost")
            }
            #expect(trial.nextStatus == 0 && trial.nextFound == .after, "\(label): next import exit \(trial.nextStatus)")
        }
        // Both outcomes must really occur, or the kill points missed the commit.
        #expect(trials.contains { $0.found == .before && $0.killedAt != nil })
        #expect(trials.contains { $0.found == .after && $0.killedAt != nil })
    }

    /// Phase timings of one uninterrupted import of B, and the state it leaves.
    struct Calibration {
        var duration: Duration
        var phases: [(name: String, at: Duration)]
        var state: Data
    }

    static func measure(_ workspace: CrashWorkspace) throws -> Calibration {
        let database = try workspace.freshDatabase()
        defer { workspace.discard(database) }
        let process = try CLIProcess(workspace.importArguments(database: database, version: "B") + PhaseLog.arguments)
        let started = ContinuousClock.now
        var phases: [(name: String, at: Duration)] = []
        while process.isRunning {
            let seen = PhaseLog.phases(process.stderr)
            for name in seen.dropFirst(phases.count) { phases.append((name, ContinuousClock.now - started)) }
            usleep(500)
        }
        let duration = ContinuousClock.now - started
        let result = try process.wait(limit: .seconds(10))
        guard result.status == 0 else { throw Shell.Failure(command: "import B", status: result.status, output: "\(result)") }
        for name in PhaseLog.phases(result.stderr).dropFirst(phases.count) { phases.append((name, duration)) }
        return Calibration(duration: duration, phases: phases, state: try DatabaseProbe.inspect(database).state)
    }

    /// Right after every phase; at fractions of the whole run; and through the window from the last write to the
    /// end of COMMIT, where SQLite writes the commit frame, syncs the WAL and checkpoints it into the database.
    static func killPoints(_ calibration: Calibration) -> [KillPoint] {
        let fractions = CrashWorkspace.long ? (1...30).map { Double($0) / 31 } : [0.03, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.92]
        let commitSteps = CrashWorkspace.long ? 11 : 5
        // After `commit` the run exits within a millisecond or two: too soon for a kill to land.
        var points = calibration.phases.filter { $0.name != "commit" }.map { KillPoint.afterPhase($0.name) }
        points += fractions.map { KillPoint.afterStart(calibration.duration * $0) }
        let removals = calibration.phases.first { $0.name == "apply.removals" }?.at ?? .zero
        let commit = calibration.phases.first { $0.name == "commit" }?.at ?? calibration.duration
        let window = max(commit - removals, .milliseconds(5))
        points += (1...commitSteps).map { step in
            KillPoint.afterPhaseDelay("apply.removals", window * (Double(step) / Double(commitSteps + 1)))
        }
        return points
    }
}
