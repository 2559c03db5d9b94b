import Logging

/// Logs the duration of each phase of a run at debug level (`phase`, `duration_ms`).
struct PhaseClock {
    let logger: Logger
    private var last = ContinuousClock.now

    init(logger: Logger) {
        self.logger = logger
    }

    mutating func lap(_ phase: String) {
        let now = ContinuousClock.now
        let elapsed = now - last
        last = now
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        logger.debug("phase finished", metadata: ["event": "run.phase", "phase": "\(phase)", "duration_ms": "\(milliseconds)"])
    }
}
