import AudienceCore
import AudienceRunner
import Foundation

/// SIGTERM / SIGINT during a one-shot `sync`: clean up and exit with 128 + the signal number.
///
/// systemd sends SIGTERM on `stop` or when TimeoutStartSec runs out. A run in progress may be in
/// the middle of a download or of the apply transaction: exiting is safe for the database (SQLite
/// rolls an uncommitted transaction back), and the handler removes half-written downloads so no
/// `*.partial` file is left in the staging folder.
enum Interruption {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// How long the handler waits for the metrics file before exiting anyway.
    static let beforeExitLimit: TimeInterval = 2

    /// Installs the handlers; `stagingDirectory` is searched for partial downloads on exit.
    ///
    /// With `metrics`, the metrics file is rewritten from `store` after the runs in progress have recorded
    /// `interrupted`; it gets ``beforeExitLimit`` seconds, so a database that does not answer cannot keep the
    /// process from exiting. The store is held weakly: the handler outlives the run, which closes it.
    static func install(stagingDirectory: String?, metrics: RunHousekeeping? = nil, store: AudienceStore? = nil) {
        var beforeExit: (@Sendable () -> Void)?
        if let metrics, let store {
            beforeExit = { [weak store] in if let store { metrics.writeMetrics(store: store) } }
        }
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                // Each run in progress logs its one run.end and, if the database lets it within two
                // seconds, records `interrupted` in the history; otherwise the next run does.
                RunContext.interruptAll(signal: signalNumber)
                removePartials(under: stagingDirectory)
                if let beforeExit {
                    let done = DispatchSemaphore(value: 0)
                    Thread.detachNewThread {
                        beforeExit()
                        done.signal()
                    }
                    _ = done.wait(timeout: .now() + beforeExitLimit)
                }
                let name = signalNumber == SIGTERM ? "SIGTERM" : "SIGINT"
                Output.error(
                    "interrupted by \(name); the database holds either its state before this run or the "
                        + "run's complete result (one transaction), and no partial download is kept.")
                // _exit, not exit: exit runs atexit handlers and static destructors while the
                // download threads still use libssh and libcrypto, which crashes the process.
                _exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }

    private static func removePartials(under root: String?) {
        guard let root, let walker = FileManager.default.enumerator(atPath: root) else { return }
        for case let relative as String in walker where relative.hasSuffix(".partial") {
            unlink((root as NSString).appendingPathComponent(relative))
        }
    }
}
