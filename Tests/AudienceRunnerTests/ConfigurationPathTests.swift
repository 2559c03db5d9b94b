import Foundation
import Testing

@testable import AudienceRunner

struct ConfigurationPathTests {
    static let relative = """
        database: ../data/audience.db
        staging_dir: ./staging
        metrics_file: metrics/audience.prom
        directories:
          - id: acme
            sftp:
              host: sftp.example.com
              username: acme-export
              private_key: keys//id_ed25519
              passphrase_file: /etc/audience-sync/passphrase
              known_hosts: ./known_hosts
              remote_dir: upload
        """

    @Test func relativePathsResolveAgainstTheConfigurationFilesDirectory() throws {
        let configuration = try RunnerConfiguration.parse(
            yaml: Self.relative, path: "/srv/sync/conf/config.yaml", environment: [:])
        #expect(configuration.databasePath == "/srv/sync/data/audience.db")
        #expect(configuration.stagingDirectory == "/srv/sync/conf/staging")
        #expect(configuration.metricsFile == "/srv/sync/conf/metrics/audience.prom")
        let endpoint = configuration.directories[0].endpoint
        #expect(endpoint.privateKeyPath == "/srv/sync/conf/keys/id_ed25519")
        #expect(endpoint.passphraseFile == "/etc/audience-sync/passphrase")
        #expect(endpoint.knownHostsPath == "/srv/sync/conf/known_hosts")
        // Remote paths are the server's business: left as written.
        #expect(configuration.directories[0].remoteDirectory == "upload")
    }

    @Test func loadResolvesAgainstTheRealFilesDirectory() throws {
        let folder = try ConfigTempFolder()
        let file = try folder.write("config.yaml", Self.relative, mode: 0o644)
        let configuration = try RunnerConfiguration.load(path: file, environment: [:])
        #expect(configuration.configurationFile == file)
        #expect(configuration.stagingDirectory == folder.path + "/staging")
        #expect(configuration.directories[0].endpoint.knownHostsPath == folder.path + "/known_hosts")
    }

    @Test func tildeIsNotExpanded() {
        let error = ConfigFixture.error(
            ConfigFixture.yaml().replacingOccurrences(
                of: "private_key: /etc/audience-sync/id_ed25519", with: "private_key: ~/.ssh/id_ed25519"))
        #expect(
            error?.description
                == "/etc/audience-sync/config.yaml:8: directories[0].sftp.private_key: "
                + "invalid value '~/.ssh/id_ed25519': "
                + "'~' is not expanded (a service has no home directory); write the full path.")
    }

    @Test(arguments: [
        ("/run/credentials/audience-sync.service", "/run/credentials/audience-sync.service/acme-key"),
        ("/run/credentials/audience-sync.service/", "/run/credentials/audience-sync.service/acme-key"),
    ])
    func credentialValuesResolveInTheCredentialsDirectory(directory: String, expected: String) throws {
        let yaml = ConfigFixture.yaml(sftp: ["passphrase_file: credential:acme-pass"]).replacingOccurrences(
            of: "private_key: /etc/audience-sync/id_ed25519", with: "private_key: credential:acme-key")
        let configuration = try ConfigFixture.parse(yaml, environment: ["CREDENTIALS_DIRECTORY": directory])
        let endpoint = configuration.directories[0].endpoint
        #expect(endpoint.privateKeyPath == expected)
        #expect(endpoint.passphraseFile == "/run/credentials/audience-sync.service/acme-pass")
    }

    @Test(arguments: [[String: String](), ["CREDENTIALS_DIRECTORY": ""]])
    func credentialValuesNeedTheEnvironmentVariable(environment: [String: String]) {
        let error = ConfigFixture.error(
            ConfigFixture.yaml(sftp: ["passphrase_file: credential:acme-pass"]), environment: environment)
        #expect(
            error
                == .credentialsDirectoryUnset(
                    file: ConfigFixture.path, path: "directories[0].sftp.passphrase_file", line: 11, name: "acme-pass"))
        #expect(error?.description.contains("needs $CREDENTIALS_DIRECTORY, which is not set") == true)
        #expect(error?.exitCode == 78)
    }

    @Test(arguments: ["credential:", "credential:../etc/shadow", "credential:a/b", "credential:.."])
    func credentialNamesArePlainFileNames(value: String) {
        let error = ConfigFixture.error(
            ConfigFixture.yaml(sftp: ["passphrase_file: '\(value)'"]), environment: ["CREDENTIALS_DIRECTORY": "/run/c"])
        #expect(error?.description.contains("a credential name is a plain file name") == true)
    }

    @Test func credentialValuesAreOnlyForSecrets() {
        let yaml = ConfigFixture.yaml().replacingOccurrences(
            of: "database: /var/lib/audience-sync/audience.db", with: "database: credential:db")
        let error = ConfigFixture.error(yaml, environment: ["CREDENTIALS_DIRECTORY": "/run/c"])
        #expect(
            error?.description
                == "/etc/audience-sync/config.yaml:1: database: invalid value 'credential:db': "
                + "credential:NAME is accepted only for private_key and passphrase_file.")
    }

    @Test(arguments: [
        ("/a/b/../c/./d", "/a/c/d"), ("/a//b/", "/a/b"), ("/..", "/"), ("/", "/"),
    ])
    func normalizationIsLexical(path: String, expected: String) {
        #expect(ConfigurationPaths.normalize(path) == expected)
    }
}
