import Foundation

/// One directory's entry in an `audience-sync` configuration file, rendered as YAML by ``yaml``.
///
/// Defaults are the fast test values: no settling, no minimum age, 3-second timeouts.
struct SyncConfig {
    var database: String
    var stagingDir: String
    var directoryID = "acme"
    var port: Int
    var username = String(cString: getpwuid(getuid())!.pointee.pw_name)
    var privateKey: String
    var knownHosts: String
    var hostKeyPolicy = "strict"
    var remoteDir: String
    var doneFile: String?
    var archiveDir: String?
    var errorDir: String?
    var settle = "0s"
    var minAge = "0s"
    var connectTimeout = "3s"
    var operationTimeout = "3s"
    var deadline = "60s"
    var interval = "2s"
    /// Top-level `keep_staged`, `metrics_file` and `keep_runs`; nil leaves the key out.
    var keepStaged: Bool?
    var metricsFile: String?
    var keepRuns: Int?
    /// Raw `key: value` lines added to the `sftp:` section (for unknown-key tests).
    var extraSFTPLines: [String] = []

    /// More directories, written after this one (only their directory fields are used).
    var otherDirectories: [SyncConfig] = []

    /// The configuration file text.
    var yaml: String {
        """
        database: \(database)
        staging_dir: \(stagingDir)
        \(topLevelOptions)directories:

        """ + ([self] + otherDirectories).map(\.directoryEntry).joined()
    }

    /// The optional top-level keys that are set, one `key: value` line each.
    private var topLevelOptions: String {
        var lines: [String] = []
        if let keepStaged { lines.append("keep_staged: \(keepStaged)") }
        if let metricsFile { lines.append("metrics_file: \(metricsFile)") }
        if let keepRuns { lines.append("keep_runs: \(keepRuns)") }
        return lines.map { $0 + "\n" }.joined()
    }

    /// This directory's entry in the `directories:` list.
    var directoryEntry: String {
        var sftp = [
            "host: 127.0.0.1",
            "port: \(port)",
            "username: \(username)",
            "private_key: \(privateKey)",
            "known_hosts: \(knownHosts)",
            "host_key_policy: \(hostKeyPolicy)",
            "remote_dir: \(remoteDir)",
        ]
        if let doneFile { sftp.append("done_file: \(doneFile)") }
        if let archiveDir { sftp.append("archive_dir: \(archiveDir)") }
        if let errorDir { sftp.append("error_dir: \(errorDir)") }
        sftp += extraSFTPLines
        return """
              - id: \(directoryID)
                sftp:
            \(sftp.map { "      " + $0 }.joined(separator: "\n"))
                settle: \(settle)
                min_age: \(minAge)
                connect_timeout: \(connectTimeout)
                operation_timeout: \(operationTimeout)
                deadline: \(deadline)
                interval: \(interval)

            """
    }

    /// Writes the YAML to `path` and returns the path.
    @discardableResult
    func write(to path: String) throws -> String {
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
