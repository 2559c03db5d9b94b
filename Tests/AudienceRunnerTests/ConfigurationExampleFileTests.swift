import AudienceCore
import Foundation
import Testing

@testable import AudienceRunner

struct ConfigurationExampleFileTests {
    /// `deploy/audience-sync.example.yaml`, found from this file's place in the package.
    static let example: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("deploy/audience-sync.example.yaml").path
    }()

    @Test func theExampleLoadsWithoutAnyOfItsFilesExisting() throws {
        let environment = ["CREDENTIALS_DIRECTORY": "/run/credentials/audience-sync.service"]
        let configuration = try RunnerConfiguration.load(path: Self.example, environment: environment)
        #expect(configuration.databasePath == "/var/lib/audience-sync/audience.db")
        #expect(configuration.metricsFile == "/var/lib/node_exporter/textfile/audience-sync.prom")
        #expect(configuration.directories.map(\.id) == ["acme", "globex"])
        let acme = configuration.directories[0]
        #expect(acme.endpoint.passphraseFile == "/etc/audience-sync/passphrase")
        #expect(acme.attributes == AttributeSelection(enabled: [.jobTitle, .departmentName]))
        #expect(acme.doneFile == "users.done")
        let globex = configuration.directories[1]
        #expect(globex.endpoint.privateKeyPath == "/run/credentials/audience-sync.service/globex-key")
        #expect(globex.endpoint.port == 22)
        #expect(globex.deleteAfterApply)
        #expect(globex.attributes == .all)
        #expect(globex.interval == .seconds(3600))
        #expect(globex.settle == .seconds(15))
    }

    @Test func theExampleMentionsEveryKey() throws {
        let text = try String(contentsOfFile: Self.example, encoding: .utf8)
        let keys =
            ConfigurationFile.CodingKeys.allCases.map(\.rawValue) + DirectorySection.CodingKeys.allCases.map(\.rawValue)
            + SFTPSection.CodingKeys.allCases.map(\.rawValue) + TuningSection.CodingKeys.allCases.map(\.rawValue)
        for key in keys {
            #expect(text.contains("\(key):"), "the example does not show '\(key)'")
        }
    }

    @Test func theExampleNeedsTheCredentialsDirectoryForItsCredentialKey() throws {
        #expect(throws: ConfigurationError.self) {
            try RunnerConfiguration.load(path: Self.example, environment: [:])
        }
    }
}
