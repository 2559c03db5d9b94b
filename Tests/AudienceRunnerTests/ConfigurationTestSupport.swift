import AudienceRunner
import Foundation

/// Builds configuration text around a minimal valid file, and parses it as if read from a fixed path.
enum ConfigFixture {
    static let path = "/etc/audience-sync/config.yaml"

    /// A valid configuration with one directory; extra lines go at the top level, into the
    /// directory, or into its `sftp:` mapping (indented here).
    static func yaml(top: [String] = [], directory: [String] = [], sftp: [String] = []) -> String {
        var lines = ["database: /var/lib/audience-sync/audience.db", "staging_dir: /var/lib/audience-sync/staging"]
        lines += top
        lines += [
            "directories:",
            "  - id: acme",
            "    sftp:",
            "      host: sftp.example.com",
            "      username: acme-export",
            "      private_key: /etc/audience-sync/id_ed25519",
            "      known_hosts: /etc/audience-sync/known_hosts",
            "      remote_dir: /upload",
        ]
        lines += sftp.map { "      " + $0 }
        lines += directory.map { "    " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    static func parse(_ yaml: String, environment: [String: String] = [:]) throws(ConfigurationError)
        -> RunnerConfiguration
    {
        try RunnerConfiguration.parse(yaml: yaml, path: path, environment: environment)
    }

    /// The error parsing `yaml` throws, or nil when it parses.
    static func error(_ yaml: String, environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try parse(yaml, environment: environment)
            return nil
        } catch {
            return error
        }
    }
}

/// A temporary folder removed when the test ends.
struct ConfigTempFolder: ~Copyable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/configuration-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` with `mode`, returning the file's path.
    @discardableResult
    func write(_ name: String, _ text: String = "x\n", mode: Int = 0o600) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        return file
    }
}
