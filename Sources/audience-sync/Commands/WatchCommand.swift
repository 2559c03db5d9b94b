import ArgumentParser
import AudienceRunner
import ServiceLifecycle

/// `audience-sync watch`: the long-running mode, syncing each directory on its interval.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Run sync for each directory on its configured interval until SIGTERM or SIGINT.",
        discussion: """
            Each directory runs every `interval` (±10% jitter); after a failure it waits longer each \
            time, up to an hour. On SIGTERM or SIGINT the run in progress is finished and watch exits 0.
            """
    )

    @OptionGroup var options: ConfigOptions

    @OptionGroup var housekeeping: HousekeepingOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        try await withExitStatus {
            let configuration = housekeeping.apply(to: try options.load())
            let logger = Logging.makeLogger(level: configuration.logLevel)
            HousekeepingOptions.checkPermissions(
                databasePath: configuration.databasePath, stagingDirectory: configuration.stagingDirectory, logger: logger)
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: WatchService(configuration: configuration, logger: logger))],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
            return 0
        }
    }
}
