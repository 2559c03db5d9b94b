import Foundation
import SSHTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Two generated versions of an export (A, then B with ~1% of users changed, removed and added), a database
/// holding A, and the canonical states after A and after B: what every crash trial starts from and compares with.
final class CrashWorkspace: @unchecked Sendable {
    /// `AUDIENCE_SYNC_LONG=1` runs the long mode: a million users and more kill points.
    static let long = ProcessInfo.processInfo.environment["AUDIENCE_SYNC_LONG"] == "1"

    let directory: TemporaryDirectory
    let users: Int
    /// The database after importing A, checkpointed (the importing process closed it), without a WAL file.
    let baseline: String
    /// ``DatabaseProbe`` dump of ``baseline``.
    let stateA: Data
    private var trialCount = 0

    /// Generates A and B with `Fixtures/generate.py` and imports A.
    ///
    /// - Throws: when generation or the import of A fails.
    init(users: Int) throws {
        self.users = users
        directory = try TemporaryDirectory("crash")
        try Shell.run(
            "/usr/bin/python3",
            [CLI.fixture("generate.py"), "--users", "\(users)", "--seed", "5", "--out", directory.file("A"),
             "--next", directory.file("B")])
        baseline = directory.file("baseline.db")
        let imported = try CLI.run(
            Self.importArguments(in: directory, database: baseline, version: "A"), limit: .seconds(600))
        guard imported.status == 0 else { throw Shell.Failure(command: "import A", status: imported.status, output: "\(imported)") }
        stateA = try DatabaseProbe.inspect(baseline).state
    }

    /// `import` of version `A` or `B` into `database`; the removal guard is off because B removes 1% (more
    /// than the default 500 members at 100,000 users).
    func importArguments(database: String, version: String) -> [String] {
        Self.importArguments(in: directory, database: database, version: version)
    }

    private static func importArguments(in directory: TemporaryDirectory, database: String, version: String) -> [String] {
        let folder = directory.file(version)
        return [
            "import", "--db", database, "--directory", "acme", "--users", folder + "/users.csv", "--groups",
            folder + "/user_groups.csv", "--groups-catalog", folder + "/groups.csv", "--allow-mass-removal",
        ]
    }

    /// A fresh copy of the baseline database for one trial.
    func freshDatabase() throws -> String {
        trialCount += 1
        let path = directory.file("trial-\(trialCount).db")
        try FileManager.default.copyItem(atPath: baseline, toPath: path)
        return path
    }

    /// Removes a trial's database and its side files.
    func discard(_ database: String) {
        for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: database + suffix) }
    }
}

/// When a trial kills the import of B.
enum KillPoint: CustomStringConvertible {
    /// Right after the run logs that `phase` finished (`event=run.phase`).
    case afterPhase(String)
    /// `delay` after that phase was logged: for the window between the last write and the commit's end.
    case afterPhaseDelay(String, Duration)
    /// `delay` after the process started.
    case afterStart(Duration)

    var description: String {
        switch self {
        case .afterPhase(let phase): "after \(phase)"
        case .afterPhaseDelay(let phase, let delay): "\(phase) + \(milliseconds(delay)) ms"
        case .afterStart(let delay): "start + \(milliseconds(delay)) ms"
        }
    }

    /// Whether the kill is due, given the stderr so far and the time since start.
    func isDue(stderr: () -> String, elapsed: Duration, phaseSeenAt: inout Duration?) -> Bool {
        switch self {
        case .afterStart(let delay):
            return elapsed >= delay
        case .afterPhase(let phase):
            return stderr().contains(PhaseLog.marker(phase))
        case .afterPhaseDelay(let phase, let delay):
            if phaseSeenAt == nil, stderr().contains(PhaseLog.marker(phase)) { phaseSeenAt = elapsed }
            return phaseSeenAt.map { elapsed - $0 >= delay } ?? false
        }
    }
}

/// The `event=run.phase` lines of a run's JSON log on stderr.
enum PhaseLog {
    static let arguments = ["--log-level", "debug", "--log-format", "json"]

    static func marker(_ phase: String) -> String { "\"phase\":\"\(phase)\"" }

    /// Phases logged in `stderr`, in order.
    static func phases(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").compactMap { line in
            guard line.contains("\"event\":\"run.phase\""), let range = line.range(of: "\"phase\":\"") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
    }
}

func milliseconds(_ duration: Duration) -> Int {
    Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
}
