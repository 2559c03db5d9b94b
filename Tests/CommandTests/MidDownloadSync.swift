import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `sync` started against a ~200 MB users.csv (``BigExport``) and caught while it downloads: the set-up the
/// kill and signal tests share, so each test shows only what it does to the run and what it expects after.
///
/// The fixture (sshd, temporary directories) and the child process are stopped when this value goes away,
/// whatever the test did: ``SyncFixture`` and ``CLIProcess`` clean up after themselves, by PID.
struct MidDownloadSync {
    let fixture: SyncFixture
    let run: CLIProcess
    /// Size of the users.csv being downloaded, for failure messages.
    let bytes: Int
    /// Whether users.csv.partial appeared under staging before the run ended (or 30 seconds passed). The tests
    /// `#require` it: a run that finished or failed before downloading proves nothing about an interruption.
    let partialSeen: Bool

    /// Starts the run and returns once users.csv.partial exists, the run has ended, or 30 seconds have passed.
    ///
    /// - Parameter metricsFile: The configuration's `metrics_file` (none by default).
    /// - Throws: When the fixture, the export or the child process cannot be set up.
    init(metricsFile: String? = nil) throws {
        fixture = try SyncFixture()
        bytes = try BigExport.write(to: fixture.remotePath("users.csv"))
        var config = fixture.config()
        config.metricsFile = metricsFile
        try fixture.writeConfig(config)
        run = try CLIProcess(["sync", "--config", fixture.configPath])
        // Poll tightly: on loopback the whole file may take well under a second.
        var seen = false
        let limit = ContinuousClock.now + .seconds(30)
        while !seen, ContinuousClock.now < limit, run.isRunning {
            seen = fixture.stagedFiles().contains { $0.hasSuffix("users.csv.partial") }
            if !seen { usleep(1_000) }
        }
        partialSeen = seen
    }

    /// Partial downloads under staging: none may outlive an interrupted run.
    var partials: [String] { fixture.stagedFiles().filter { $0.hasSuffix(".partial") } }
}
