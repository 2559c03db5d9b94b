import AudienceCore
import Foundation
import Logging
import ServiceLifecycle

/// `watch` mode: runs each directory on its `interval` until SIGTERM or SIGINT.
///
/// A run in progress is always finished (it runs on its own thread and is awaited); only the
/// sleeps between runs are cut short by a graceful shutdown. After a failure the next attempt
/// backs off (interval × 2^failures, at most one hour); "not ready" is not a failure.
public struct WatchService: Service {
    public var configuration: RunnerConfiguration
    public var logger: Logger
    var makeStore: @Sendable () throws -> AudienceStore

    public init(configuration: RunnerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let path = configuration.databasePath
        makeStore = { try AudienceStore(path: path) }
    }

    public func run() async throws {
        var schedule = WatchSchedule(directories: configuration.directories.map { ($0.id, $0.interval) }, now: .now)
        logger.notice("watch started", metadata: ["event": "watch.start", "directories": "\(configuration.directories.count)"])
        while !Task.isShuttingDownGracefully {
            let (id, due) = schedule.next()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(until: due, clock: .continuous) }
            } catch {
                break
            }
            guard let directory = configuration.directory(id: id) else { continue }
            let code = await runOnce(directory)
            schedule.record(id, exitCode: code, now: .now)
        }
        logger.notice("watch stopped", metadata: ["event": "watch.stop"])
    }

    /// One run of one directory under the run lock; returns its exit code.
    func runOnce(_ directory: DirectoryConfiguration) async -> Int32 {
        let outcome: DirectoryOutcome
        do {
            let lock = try RunLock(databasePath: configuration.databasePath)
            defer { lock.release() }
            let store = try makeStore()
            defer { store.close() }
            let runner = DirectoryRunner(configuration: configuration, directory: directory, store: store, logger: logger)
            outcome = await runner.runOnThread()
            RunHousekeeping(configuration: configuration, logger: logger).afterRun(store: store, directories: [directory.id])
        } catch {
            outcome = DirectoryRunner.outcome(of: error, directory: directory.id)
        }
        let level: Logger.Level = outcome.exitCode == 0 || outcome.exitCode == 75 ? .notice : .error
        logger.log(
            level: level, "run finished",
            metadata: ["event": "run.end", "directory": "\(directory.id)", "exit_code": "\(outcome.exitCode)", "summary": "\(outcome.summaryLine)"])
        return outcome.exitCode
    }
}

/// When each directory runs next: its interval with ±10% jitter, backing off after failures.
public struct WatchSchedule: Sendable {
    private var due: [String: ContinuousClock.Instant] = [:]
    private var intervals: [String: Duration] = [:]
    private var failures: [String: Int] = [:]
    private var order: [String] = []
    private var random: @Sendable (ClosedRange<Double>) -> Double

    /// The longest wait after repeated failures.
    public static let maximumBackoff = Duration.seconds(3600)

    public init(
        directories: [(String, Duration)], now: ContinuousClock.Instant,
        random: @escaping @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) }
    ) {
        self.random = random
        for (id, interval) in directories {
            due[id] = now
            intervals[id] = interval
            order.append(id)
        }
    }

    /// The directory due first, and when.
    public func next() -> (String, ContinuousClock.Instant) {
        let id = order.min { due[$0]! < due[$1]! }!
        return (id, due[id]!)
    }

    /// Schedules the directory's next run after a run that ended with `exitCode`.
    public mutating func record(_ id: String, exitCode: Int32, now: ContinuousClock.Instant) {
        guard let interval = intervals[id] else { return }
        let failed = exitCode != 0 && exitCode != 75
        failures[id] = failed ? (failures[id] ?? 0) + 1 : 0
        due[id] = now + delay(interval: interval, failures: failures[id]!)
    }

    /// interval × 2^failures (capped at an hour), with ±10% jitter so many instances do not align.
    public func delay(interval: Duration, failures: Int) -> Duration {
        var base = interval
        for _ in 0..<min(failures, 20) where base < Self.maximumBackoff { base = base * 2 }
        if failures > 0 { base = min(base, max(Self.maximumBackoff, interval)) }
        return base * random(0.9...1.1)
    }
}
