import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `audience-sync check-config`: validates the file offline, and with `--connect` logs in and lists the files.
@Suite("check-config", .timeLimit(.minutes(1)))
struct CheckConfigCommandTests {
    @Test func validConfigurationExits0() throws {
        let fixture = try SyncFixture()
        try fixture.writeConfig()

        let result = try CLI.run(["check-config", "--config", fixture.configPath], limit: .seconds(30))

        #expect(result.status == 0, "\(result)")
        #expect(try fixture.memberCount() == 0)
    }

    @Test func keyReadableByOthersExits77() throws {
        let fixture = try SyncFixture()
        chmod(fixture.keyPath, 0o644)
        try fixture.writeConfig()

        let result = try CLI.run(["check-config", "--config", fixture.configPath], limit: .seconds(30))

        #expect(result.status == 77, "\(result)")
        #expect(result.stderr.contains(fixture.keyPath), "\(result)")
    }

    @Test func unknownKeyExits78AndNamesItsPath() throws {
        let fixture = try SyncFixture()
        var config = fixture.config()
        config.extraSFTPLines = ["hots: 127.0.0.1"]
        try fixture.writeConfig(config)

        let result = try CLI.run(["check-config", "--config", fixture.configPath], limit: .seconds(30))

        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("directories[0].sftp.hots"), "\(result)")
        #expect(result.stderr.contains(fixture.configPath), "\(result)")
    }

    @Test func connectListsTheRemoteFilesWithoutDownloading() throws {
        let fixture = try SyncFixture()
        try fixture.writeConfig()

        let result = try CLI.run(["check-config", "--config", fixture.configPath, "--connect"], limit: .seconds(30))

        #expect(result.status == 0, "\(result)")
        for name in SyncFixture.exportFiles {
            #expect(result.stdout.contains(name), "\(result)")
        }
        #expect(fixture.stagedFiles().isEmpty, "\(fixture.stagedFiles())")
        #expect(try fixture.memberCount() == 0)
        #expect(fixture.remoteContents() == SyncFixture.exportFiles.sorted())
    }

    @Test func connectWithAnUnknownHostKeyExits78() throws {
        let fixture = try SyncFixture(trustServer: false)
        try fixture.writeConfig()

        let result = try CLI.run(["check-config", "--config", fixture.configPath, "--connect"], limit: .seconds(30))

        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains(try fixture.server.fingerprint()), "\(result)")
    }
}
