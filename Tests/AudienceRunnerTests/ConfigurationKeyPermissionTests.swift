import AudienceSFTP
import Foundation
import Testing

@testable import AudienceRunner

struct ConfigurationKeyPermissionTests {
    /// A loaded configuration whose key, passphrase and known_hosts live in `folder`.
    func configuration(
        in folder: borrowing ConfigTempFolder, passphrase: Bool = false, policy: String = "strict"
    ) throws -> RunnerConfiguration {
        let yaml = """
            database: audience.db
            staging_dir: staging
            directories:
              - id: acme
                sftp:
                  host: sftp.example.com
                  username: acme-export
                  private_key: id_ed25519
                  \(passphrase ? "passphrase_file: passphrase" : "")
                  known_hosts: known_hosts
                  host_key_policy: \(policy)
                  remote_dir: /upload
            """
        let file = try folder.write("config.yaml", yaml, mode: 0o644)
        return try RunnerConfiguration.load(path: file, environment: [:])
    }

    @Test(arguments: [0o600, 0o400, 0o700])
    func privateKeysOnlyTheOwnerCanUsePass(mode: Int) throws {
        let folder = try ConfigTempFolder()
        try folder.write("id_ed25519", mode: mode)
        try folder.write("known_hosts", mode: 0o644)
        try configuration(in: folder).checkKeyPermissions()
    }

    @Test(arguments: [(0o644, "0644"), (0o640, "0640"), (0o604, "0604"), (0o660, "0660"), (0o601, "0601")])
    func privateKeysOthersCanReadExit77(mode: Int, octal: String) throws {
        let folder = try ConfigTempFolder()
        let key = try folder.write("id_ed25519", mode: mode)
        try folder.write("known_hosts", mode: 0o644)
        let configuration = try configuration(in: folder)
        let error = try #require(throws: ConfigurationError.self) { try configuration.checkKeyPermissions() }
        #expect(error.exitCode == 77)
        #expect(
            error.description
                == "\(folder.path)/config.yaml: directories[0].sftp.private_key: Permissions \(octal) for '\(key)' "
                + "are too open; it must not be accessible by group or others (chmod 600 '\(key)').")
    }

    @Test func passphraseFilesAreCheckedLikeKeys() throws {
        let folder = try ConfigTempFolder()
        try folder.write("id_ed25519", mode: 0o600)
        let passphrase = try folder.write("passphrase", "secret\n", mode: 0o640)
        try folder.write("known_hosts", mode: 0o644)
        let configuration = try configuration(in: folder, passphrase: true)
        #expect(
            throws: ConfigurationError.permissionsTooOpen(
                file: folder.path + "/config.yaml", path: "directories[0].sftp.passphrase_file", target: passphrase,
                mode: 0o640)
        ) {
            try configuration.checkKeyPermissions()
        }
    }

    @Test func aMissingPrivateKeyExits78() throws {
        let folder = try ConfigTempFolder()
        try folder.write("known_hosts", mode: 0o644)
        let configuration = try configuration(in: folder)
        let error = try #require(throws: ConfigurationError.self) { try configuration.checkKeyPermissions() }
        #expect(error.exitCode == 78)
        #expect(
            error.description == "\(folder.path)/config.yaml: directories[0].sftp.private_key: "
                + "'\(folder.path)/id_ed25519' does not exist.")
    }

    @Test func aPrivateKeyMustBeARegularFile() throws {
        let folder = try ConfigTempFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/id_ed25519", withIntermediateDirectories: false)
        try folder.write("known_hosts", mode: 0o644)
        let configuration = try configuration(in: folder)
        let error = try #require(throws: ConfigurationError.self) { try configuration.checkKeyPermissions() }
        #expect(error.exitCode == 78)
        #expect(error.description.hasSuffix("'\(folder.path)/id_ed25519' is not a regular file."))
    }

    @Test func aMissingKnownHostsFileExits78UnderStrict() throws {
        let folder = try ConfigTempFolder()
        try folder.write("id_ed25519", mode: 0o600)
        let configuration = try configuration(in: folder)
        #expect(
            throws: ConfigurationError.missingFile(
                file: folder.path + "/config.yaml", path: "directories[0].sftp.known_hosts",
                target: folder.path + "/known_hosts")
        ) {
            try configuration.checkKeyPermissions()
        }
    }

    @Test func acceptNewCreatesKnownHostsSoItMayBeMissing() throws {
        let folder = try ConfigTempFolder()
        try folder.write("id_ed25519", mode: 0o600)
        try configuration(in: folder, policy: "accept-new").checkKeyPermissions()
    }

    @Test func inMemoryDirectoriesNameTheirId() throws {
        let folder = try ConfigTempFolder()
        let key = try folder.write("id", mode: 0o644)
        let directory = DirectoryConfiguration(
            id: "acme",
            endpoint: SFTPEndpoint(host: "h", username: "u", privateKeyPath: key, knownHostsPath: "/nonexistent"),
            remoteDirectory: "/upload")
        let error = try #require(throws: ConfigurationError.self) { try directory.checkKeyPermissions() }
        #expect(error.description.hasPrefix("directory 'acme'.sftp.private_key: Permissions 0644 for"))
    }
}
