import ArgumentParser
import AudienceRunner
import AudienceSFTP

/// `audience-sync hostkey`: print a server's host key for an operator to check and pin.
struct HostKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostkey",
        abstract: "Print an SFTP server's host key as a known_hosts line, with its SHA-256 fingerprint.",
        discussion: """
            Compare the fingerprint with the one your SFTP provider publishes (or `ssh-keygen -lf` on the \
            server) before appending the output to the known_hosts file named in the configuration:

              audience-sync hostkey --host sftp.example.com >> /etc/audience-sync/known_hosts
            """
    )

    @Option(help: ArgumentHelp("The server's host name or address.", valueName: "host"))
    var host: String

    @Option(help: ArgumentHelp("The server's port. Default: 22.", valueName: "port"))
    var port = 22

    @Option(help: ArgumentHelp("Give up after this many seconds. Default: 10.", valueName: "seconds"))
    var timeout = 10

    func validate() throws {
        guard (1...65535).contains(port) else { throw ArgumentParser.ValidationError("--port must be 1 to 65535.") }
        guard timeout > 0 else { throw ArgumentParser.ValidationError("--timeout must be at least 1 second.") }
    }

    func run() async throws {
        try await withExitStatus {
            let host = host, port = port, timeout = timeout
            let key = try await BlockingWork.run { try HostKeyScanner.hostKey(host: host, port: port, timeout: .seconds(timeout)) }
            Output.line("# \(host):\(port) \(key.fingerprint)")
            Output.line(key.knownHostsLine)
            return 0
        }
    }
}
