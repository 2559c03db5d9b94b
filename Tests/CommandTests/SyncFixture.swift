import Foundation
import SSHTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A real sshd serving an upload folder, a client key it accepts, a known_hosts that trusts it, and local paths
/// for the database, staging directory and configuration file: everything one `sync` end-to-end test needs.
final class SyncFixture: @unchecked Sendable {
    static let exportFiles = ["users.csv", "user_groups.csv", "groups.csv"]

    let server: SSHDServer
    let local: TemporaryDirectory
    let keyPath: String
    let knownHostsPath: String
    /// The drop folder sshd serves (an absolute local path; remote and local paths are the same).
    let remoteDir: String
    var database: String { local.file("audience.db") }
    var stagingDir: String { local.file("staging") }
    var configPath: String { local.file("audience-sync.yaml") }

    /// - Parameters:
    ///   - keyType: Client key type for ssh-keygen.
    ///   - trustServer: Writes the server's key into known_hosts (otherwise the file is empty).
    ///   - uploadFixtures: Copies Fixtures/users.csv, user_groups.csv and groups.csv into the drop folder.
    init(keyType: String = "ed25519", trustServer: Bool = true, uploadFixtures: Bool = true) throws {
        server = try SSHDServer()
        local = try TemporaryDirectory("sync-e2e")
        remoteDir = server.remotePath("upload")
        try FileManager.default.createDirectory(atPath: remoteDir, withIntermediateDirectories: true)
        keyPath = try TestKeys.generate(keyType, in: local)
        try server.authorize(privateKeyPath: keyPath)
        knownHostsPath = local.file("known_hosts")
        let trusted = trustServer ? try server.knownHostsLine() + "\n" : ""
        try trusted.write(toFile: knownHostsPath, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: stagingDir, withIntermediateDirectories: true)
        if uploadFixtures { try upload() }
    }

    /// The configuration for this server with the fast test defaults; tests change fields before writing it.
    func config() -> SyncConfig {
        SyncConfig(
            database: database, stagingDir: stagingDir, port: server.port, privateKey: keyPath,
            knownHosts: knownHostsPath, remoteDir: remoteDir)
    }

    /// Writes `config` (default: ``config()``) to ``configPath`` and returns the path.
    @discardableResult
    func writeConfig(_ config: SyncConfig? = nil) throws -> String {
        try (config ?? self.config()).write(to: configPath)
    }

    /// Copies the fixture export files into the drop folder.
    func upload(_ names: [String] = SyncFixture.exportFiles) throws {
        for name in names {
            let target = remotePath(name)
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: CLI.fixture(name), toPath: target)
        }
    }

    /// A path in the drop folder.
    func remotePath(_ name: String) -> String {
        (remoteDir as NSString).appendingPathComponent(name)
    }

    /// Names in a server-side directory, sorted (the drop folder by default).
    func remoteContents(_ directory: String? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory ?? remoteDir)) ?? []).sorted()
    }

    /// Every file (not directory) under the staging directory, relative to it.
    func stagedFiles() -> [String] {
        (FileManager.default.subpaths(atPath: stagingDir) ?? []).filter { path in
            var isDirectory: ObjCBool = false
            let full = (stagingDir as NSString).appendingPathComponent(path)
            return FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    /// Runs `audience-sync sync --config <configPath>` plus `arguments`, bounded by `limit`.
    @discardableResult
    func sync(_ arguments: [String] = [], limit: Duration = .seconds(45)) throws -> CLI.Result {
        try CLI.run(["sync", "--config", configPath] + arguments, limit: limit)
    }

    /// `audience-sync export --db <database>` output, or "" while there is no database file.
    func export() throws -> String {
        guard FileManager.default.fileExists(atPath: database) else { return "" }
        let result = try CLI.run(["export", "--db", database], limit: .seconds(20))
        guard result.status == 0 else { return "export failed (\(result.status)): \(result.stderr)" }
        return result.stdout
    }

    /// Number of members in the effective audience (export rows after the header).
    func memberCount() throws -> Int {
        max(0, try export().split(separator: "\n").count - 1)
    }

    /// `audience-sync history --format json` lines, newest first (empty while there is no database file).
    func history() throws -> [String] {
        guard FileManager.default.fileExists(atPath: database) else { return [] }
        let result = try CLI.run(["history", "--db", database, "--format", "json"], limit: .seconds(20))
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// The `outcome` of each run in history, oldest first.
    func outcomes() throws -> [String] {
        try history().reversed().compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return nil
            }
            return object["outcome"] as? String
        }
    }

    /// The expected export after syncing the fixture as `acme`.
    static func expectedExport() throws -> String {
        try String(contentsOfFile: CLI.fixture("expected-export.csv"), encoding: .utf8)
    }
}

extension CLI.Result: CustomStringConvertible {
    /// Status and both streams, for `#expect` comments.
    var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}
