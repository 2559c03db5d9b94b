import Foundation
import SSHTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One import of B into a copy of the A database, SIGKILLed at a ``KillPoint``, then inspected and re-imported.
struct CrashTrial {
    /// Which of the two legitimate states the killed run left (or neither).
    enum Found: String {
        case before, after, mixed
    }

    var point: KillPoint
    /// When the kill was sent, from the process's start (nil: it exited first).
    var killedAt: Duration?
    var exitStatus: Int32 = 0
    /// The last phase the run logged before it died ("-" for none).
    var lastPhase = "-"
    /// Size of the WAL the run left behind.
    var walBytes = 0
    /// Whether the database file itself differs from A's: only a checkpoint writes it, so a killed run with a
    /// touched database died during (or after) copying the WAL into it.
    var databaseTouched = false
    var integrity: [String] = []
    var found = Found.mixed
    var members = 0
    /// Exit status and state after the next, uninterrupted import of B.
    var nextStatus: Int32 = -1
    var nextFound = Found.mixed

    /// Runs the trial in `workspace`, comparing with `stateB`.
    ///
    /// - Throws: when a process cannot be started or runs past its limit, or the database cannot be opened.
    static func run(_ point: KillPoint, in workspace: CrashWorkspace, stateB: Data) throws -> CrashTrial {
        var trial = CrashTrial(point: point)
        let database = try workspace.freshDatabase()
        defer { workspace.discard(database) }
        let process = try CLIProcess(workspace.importArguments(database: database, version: "B") + PhaseLog.arguments)
        let started = ContinuousClock.now
        var phaseSeenAt: Duration?
        while process.isRunning {
            let elapsed = ContinuousClock.now - started
            if point.isDue(stderr: { process.stderr }, elapsed: elapsed, phaseSeenAt: &phaseSeenAt) {
                process.signal(SIGKILL)
                trial.killedAt = elapsed
                break
            }
            if elapsed > .seconds(600) { break }
            // 1 ms polls: fine enough for a commit window of tens of milliseconds, light on a 2-core machine.
            usleep(1_000)
        }
        let result = try process.wait(limit: .seconds(60))
        trial.exitStatus = result.status
        if result.status != 128 + SIGKILL { trial.killedAt = nil }
        trial.lastPhase = PhaseLog.phases(result.stderr).last ?? "-"
        trial.walBytes = Self.size(database + "-wal")
        trial.databaseTouched = !FileManager.default.contentsEqual(atPath: database, andPath: workspace.baseline)

        let finding = try DatabaseProbe.inspect(database)
        trial.integrity = finding.integrity
        trial.members = finding.members
        trial.found = classify(finding.state, before: workspace.stateA, after: stateB)

        let next = try CLI.run(workspace.importArguments(database: database, version: "B"), limit: .seconds(600))
        trial.nextStatus = next.status
        trial.nextFound = classify(try DatabaseProbe.inspect(database).state, before: workspace.stateA, after: stateB)
        return trial
    }

    static func classify(_ state: Data, before: Data, after: Data) -> Found {
        state == before ? .before : state == after ? .after : .mixed
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}

/// The table of trials printed in the test output.
enum CrashTrialTable {
    static func render(_ trials: [CrashTrial], users: Int, runDuration: Duration) -> String {
        var lines = [
            "crash trials: \(users) users, uninterrupted import of B took \(milliseconds(runDuration)) ms",
            pad("#", 3) + pad("kill point", 30) + pad("killed at", 11) + pad("last phase", 19) + pad("WAL KB", 9)
                + pad("db file", 10) + pad("integrity", 11) + pad("found", 8) + "next import",
        ]
        for (index, trial) in trials.enumerated() {
            let killed = trial.killedAt.map { "\(milliseconds($0)) ms" } ?? "exited \(trial.exitStatus)"
            lines.append(
                pad("\(index + 1)", 3) + pad(trial.point.description, 30) + pad(killed, 11) + pad(trial.lastPhase, 19)
                    + pad("\(trial.walBytes / 1024)", 9) + pad(trial.databaseTouched ? "written" : "as A", 10)
                    + pad(trial.integrity.joined(separator: ";"), 11) + pad(trial.found.rawValue, 8)
                    + "exit \(trial.nextStatus), \(trial.nextFound.rawValue)")
        }
        let counts = Dictionary(grouping: trials, by: \.found).mapValues(\.count)
        lines.append(
            "summary: \(trials.count) trials, \(counts[.before] ?? 0) before, \(counts[.after] ?? 0) after, "
                + "\(counts[.mixed] ?? 0) mixed; \(trials.filter(\.databaseTouched).count) killed during or after a checkpoint")
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
