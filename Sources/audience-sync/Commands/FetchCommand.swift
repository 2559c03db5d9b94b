import ArgumentParser
import AudienceRunner
import AudienceSFTP
import Foundation

/// `audience-sync fetch`: download a directory's current export without applying it.
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download a directory's export into a local folder without applying it (for inspection or benchmarks).",
        discussion: """
            Uses the same readiness rules, parallel pipelined download and SHA-256 as sync. Prints one line \
            per file: name, bytes, SHA-256, seconds and MB/s. Touches neither the database nor the remote files.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("The configured directory to fetch.", valueName: "id"))
    var directory: String

    @Option(help: ArgumentHelp("Local folder to download into (created with mode 0700).", valueName: "folder"))
    var to: String

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        try await withExitStatus {
            let configuration = try options.load()
            guard let selected = try options.select(directory, from: configuration).first else { return 78 }
            let folder = to
            let lines = try await BlockingWork.run { () throws -> [String] in
                let connection = try SFTPConnection(endpoint: selected.endpoint)
                defer { connection.close() }
                let set: RemoteFileSet
                switch try ReadinessProbe(directory: selected).check(connection) {
                case .ready(let files): set = files
                case .absent(let path): throw FetchFailure(message: "\(path) not found", code: 66)
                case .notReady(let reason): throw FetchFailure(message: "not ready: \(reason)", code: 75)
                }
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let roundTrip = try LinkProbe.roundTrip(connection, path: set.files[0].path)
                let started = ContinuousClock.now
                let results = ParallelDownloader.download(
                    set.files.map { DownloadRequest(remotePath: $0.path) }, from: selected.endpoint, into: folder,
                    options: selected.download, connectionsPerFile: LinkProbe.connectionsPerFile(roundTrip: roundTrip, files: set.files.count),
                    over: connection)
                let elapsed = (ContinuousClock.now - started).timeInterval
                var lines: [String] = []
                var total: UInt64 = 0
                for result in results {
                    let download = try result.get()
                    total += download.bytes
                    lines.append("\((download.localPath as NSString).lastPathComponent)\t\(download.bytes)\t\(download.sha256)")
                }
                lines.append(String(format: "total\t%llu bytes\t%.3f s\t%.1f MB/s", total, elapsed, Double(total) / elapsed / 1e6))
                return lines
            }
            lines.forEach(Output.line)
            return 0
        }
    }
}

/// A fetch that found nothing to fetch.
struct FetchFailure: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    var description: String { message }
}
