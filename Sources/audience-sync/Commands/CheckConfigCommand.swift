import ArgumentParser
import AudienceRunner
import AudienceSFTP
import Foundation

/// `audience-sync check-config`: validate the configuration, and optionally log in to each server.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration file and key permissions; with --connect, log in and list the remote files.",
        discussion: ExitStatus.helpText
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Log in to each server (host key, authentication) and list its drop folder; nothing is downloaded.")
    var connect = false

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        try await withExitStatus {
            let configuration = try options.load()
            Output.line(
                "\(options.config): OK: \(configuration.directories.count) directories (\(configuration.directories.map(\.id).joined(separator: ", ")))")
            guard connect else { return 0 }
            var codes: [Int32] = []
            for directory in configuration.directories {
                let endpoint = directory.endpoint
                let remote = directory.remoteDirectory
                do {
                    let entries = try await BlockingWork.run { () throws -> [RemoteFileInfo] in
                        let connection = try SFTPConnection(endpoint: endpoint, retryPolicy: .none)
                        defer { connection.close() }
                        return try connection.list(remote)
                    }
                    Output.line("\(directory.id): connected to \(endpoint.host):\(endpoint.port) as \(endpoint.username); \(remote):")
                    for entry in entries.sorted(by: { $0.name < $1.name }) {
                        Output.line("  \(entry.name)\t\(entry.size) bytes\t\(entry.modified)")
                    }
                    codes.append(0)
                } catch {
                    Output.error("\(directory.id): \(error)")
                    codes.append(ExitStatus.code(for: error))
                }
            }
            return DirectoryOutcome.worst(codes)
        }
    }
}

/// Runs blocking libssh work on its own thread, off Swift's cooperative pool.
enum BlockingWork {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}
