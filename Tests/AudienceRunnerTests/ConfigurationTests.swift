import AudienceCore
import AudienceSFTP
import Foundation
import Testing

@testable import AudienceRunner

struct ConfigurationTests {
    static let documented = """
        database: /var/lib/audience-sync/audience.db
        staging_dir: /var/lib/audience-sync/staging
        directories:
          - id: acme
            sftp:
              host: sftp.example.com
              port: 22                      # default 22
              username: acme-export
              private_key: /etc/audience-sync/id_ed25519
              passphrase_file: /etc/audience-sync/passphrase   # optional
              known_hosts: /etc/audience-sync/known_hosts
              host_key_policy: strict       # or accept-new (TOFU, explicit opt-in only)
              remote_dir: /upload
              users_file: users.csv         # defaults
              groups_file: user_groups.csv
              groups_catalog_file: groups.csv
              done_file: users.done
              archive_dir: /upload/archive
              delete_after_apply: false
              error_dir: /upload/rejected
              skip_unchanged_by_stat: true
            attributes: [job_title, department_name]   # or "all"; default none
            settle: 15s
            min_age: 60s
            interval: 15m
            connect_timeout: 10s
            operation_timeout: 60s
            deadline: 15m
            max_file_size: 2GiB
            max_removals: 500
            max_removal_percent: 10
            max_rejected_percent: 5
            allow_mass_removal: false
        """

    @Test func documentedExampleParsesIntoTheExpectedValues() throws {
        let configuration = try ConfigFixture.parse(Self.documented)
        #expect(configuration.configurationFile == ConfigFixture.path)
        #expect(configuration.databasePath == "/var/lib/audience-sync/audience.db")
        #expect(configuration.stagingDirectory == "/var/lib/audience-sync/staging")
        #expect(configuration.metricsFile == nil)
        #expect(configuration.keepRuns == 1000)
        #expect(configuration.logFormat == .text)
        #expect(configuration.logLevel == .info)
        let expected = DirectoryConfiguration(
            id: "acme",
            endpoint: SFTPEndpoint(
                host: "sftp.example.com", port: 22, username: "acme-export",
                privateKeyPath: "/etc/audience-sync/id_ed25519", passphraseFile: "/etc/audience-sync/passphrase",
                knownHostsPath: "/etc/audience-sync/known_hosts", hostKeyPolicy: .strict,
                connectTimeout: .seconds(10), operationTimeout: .seconds(60), deadline: nil),
            remoteDirectory: "/upload", usersFile: "users.csv", groupsFile: "user_groups.csv",
            catalogFile: "groups.csv", doneFile: "users.done", archiveDirectory: "/upload/archive",
            deleteAfterApply: false, errorDirectory: "/upload/rejected", skipUnchangedByStat: true,
            attributes: AttributeSelection(enabled: [.jobTitle, .departmentName]), settle: .seconds(15),
            minAge: .seconds(60), interval: .seconds(900), deadline: .seconds(900),
            download: DownloadOptions(maxBytes: 2 << 30),
            removalGuard: RemovalGuard(maxPercent: 10, maxCount: 500, disabled: false),
            rejectLimit: RejectLimit(maxPercent: 5),
            configurationFile: ConfigFixture.path, location: "directories[0]")
        #expect(configuration.directories == [expected])
        #expect(configuration.directory(id: "acme") == expected)
        #expect(configuration.directory(id: "other") == nil)
    }

    @Test func omittedKeysTakeTheirDefaults() throws {
        let configuration = try ConfigFixture.parse(ConfigFixture.yaml())
        let directory = try #require(configuration.directories.first)
        #expect(configuration.keepRuns == 1000)
        #expect(configuration.logFormat == .text)
        #expect(configuration.logLevel == .info)
        #expect(directory.endpoint.port == 22)
        #expect(directory.endpoint.passphraseFile == nil)
        #expect(directory.endpoint.hostKeyPolicy == .strict)
        #expect(directory.endpoint.connectTimeout == .seconds(10))
        #expect(directory.endpoint.operationTimeout == .seconds(60))
        #expect(directory.endpoint.deadline == nil)
        #expect(directory.endpoint.ciphers == SFTPEndpoint.defaultCiphers)
        #expect(directory.usersFile == "users.csv")
        #expect(directory.groupsFile == "user_groups.csv")
        #expect(directory.catalogFile == "groups.csv")
        #expect(directory.doneFile == nil)
        #expect(directory.archiveDirectory == nil)
        #expect(directory.deleteAfterApply == false)
        #expect(directory.errorDirectory == nil)
        #expect(directory.skipUnchangedByStat == true)
        #expect(directory.attributes == .none)
        #expect(directory.settle == .seconds(15))
        #expect(directory.minAge == .seconds(60))
        #expect(directory.interval == .seconds(15 * 60))
        #expect(directory.deadline == .seconds(15 * 60))
        #expect(directory.download == DownloadOptions())
        #expect(directory.removalGuard == RemovalGuard())
        #expect(directory.rejectLimit == RejectLimit())
    }

    @Test func topLevelOptionsAreRead() throws {
        let configuration = try ConfigFixture.parse(
            ConfigFixture.yaml(top: [
                "metrics_file: /var/lib/node_exporter/audience.prom", "keep_runs: 50", "log_format: json",
                "log_level: debug",
            ]))
        #expect(configuration.metricsFile == "/var/lib/node_exporter/audience.prom")
        #expect(configuration.keepRuns == 50)
        #expect(configuration.logFormat == .json)
        #expect(configuration.logLevel == .debug)
    }

    @Test func directoriesInheritDefaultsUnlessTheyOverride() throws {
        let yaml = """
            database: db.sqlite
            staging_dir: staging
            defaults:
              attributes: all
              settle: 30s
              interval: 1h
              max_file_size: 100MiB
              max_removals: 50
              max_removal_percent: 2.5
              max_rejected_percent: 1
              allow_mass_removal: true
              connect_timeout: 3s
            directories:
              - id: first
                sftp: {host: a.example, username: u, private_key: k, known_hosts: kh, remote_dir: /in}
                settle: 5s
                attributes: [city]
                max_removals: 7
                allow_mass_removal: false
              - id: second
                sftp: {host: b.example, username: u, private_key: k, known_hosts: kh, remote_dir: /in}
            """
        let configuration = try ConfigFixture.parse(yaml)
        let first = configuration.directories[0]
        let second = configuration.directories[1]
        #expect(first.settle == .seconds(5))
        #expect(first.attributes == AttributeSelection(enabled: [.city]))
        #expect(first.removalGuard == RemovalGuard(maxPercent: 2.5, maxCount: 7, disabled: false))
        #expect(second.settle == .seconds(30))
        #expect(second.attributes == .all)
        #expect(second.removalGuard == RemovalGuard(maxPercent: 2.5, maxCount: 50, disabled: true))
        for directory in [first, second] {
            #expect(directory.interval == .seconds(3600))
            #expect(directory.download.maxBytes == 100 << 20)
            #expect(directory.rejectLimit == RejectLimit(maxPercent: 1))
            #expect(directory.endpoint.connectTimeout == .seconds(3))
            #expect(directory.minAge == .seconds(60))
        }
    }

    @Test(arguments: [
        ("90", Duration.seconds(90)), ("0", .zero), ("1.5", .milliseconds(1500)), ("'2m'", .seconds(120)),
    ])
    func yamlNumbersAreSeconds(value: String, expected: Duration) throws {
        let configuration = try ConfigFixture.parse(ConfigFixture.yaml(directory: ["settle: \(value)"]))
        #expect(configuration.directories[0].settle == expected)
    }

    @Test(arguments: [
        ("all", AttributeSelection.all), ("none", .none), ("[]", .none),
        ("job_title, city", .init(enabled: [.jobTitle, .city])),
        ("[work_address_locality]", .init(enabled: [.city])), ("[all]", .all),
    ])
    func attributesAcceptListsAndKeywords(value: String, expected: AttributeSelection) throws {
        let configuration = try ConfigFixture.parse(ConfigFixture.yaml(directory: ["attributes: \(value)"]))
        #expect(configuration.directories[0].attributes == expected)
    }

    @Test func acceptNewHostKeyPolicyIsAnExplicitOptIn() throws {
        let configuration = try ConfigFixture.parse(ConfigFixture.yaml(sftp: ["host_key_policy: accept-new"]))
        #expect(configuration.directories[0].endpoint.hostKeyPolicy == .acceptNew)
    }

    @Test func relativeRemoteFoldersAreUnderRemoteDir() throws {
        let configuration = try ConfigFixture.parse(
            ConfigFixture.yaml(sftp: ["archive_dir: archive", "error_dir: /elsewhere/rejected", "users_file: u.csv"]))
        let directory = configuration.directories[0]
        #expect(directory.archiveDirectory == "/upload/archive")
        #expect(directory.errorDirectory == "/elsewhere/rejected")
        #expect(directory.remotePath(directory.usersFile) == "/upload/u.csv")
        #expect(directory.remotePath("/abs/file.csv") == "/abs/file.csv")
    }

    @Test func deleteAfterApplyAloneIsAccepted() throws {
        let configuration = try ConfigFixture.parse(ConfigFixture.yaml(sftp: ["delete_after_apply: true"]))
        #expect(configuration.directories[0].deleteAfterApply)
        #expect(configuration.directories[0].archiveDirectory == nil)
    }
}
