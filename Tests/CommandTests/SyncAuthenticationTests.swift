import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Client authentication by `sync`: refused keys and keys others can read exit 77.
@Suite("sync authentication", .timeLimit(.minutes(1)))
struct SyncAuthenticationTests {
    @Test func keyTheServerDoesNotKnowExits77() throws {
        let fixture = try SyncFixture()
        let stranger = try TestKeys.generate("ed25519", in: fixture.local)
        var config = fixture.config()
        config.privateKey = stranger
        try fixture.writeConfig(config)

        let result = try fixture.sync()

        #expect(result.status == 77, "\(result)")
        #expect(result.stderr.contains("audience-sync: acme: "), "\(result)")
        #expect(try fixture.memberCount() == 0)
        #expect(fixture.stagedFiles().isEmpty, "\(fixture.stagedFiles())")
        // Never the key material itself.
        let keyBody = try String(contentsOfFile: stranger, encoding: .utf8).split(separator: "\n")[1]
        #expect(!result.stderr.contains(keyBody) && !result.stdout.contains(keyBody))
    }

    @Test(arguments: [0o644, 0o604] as [UInt32])
    func keyReadableByOthersExits77BeforeConnecting(mode: UInt32) throws {
        let local = try TemporaryDirectory("sync-e2e")
        let key = try TestKeys.generate("ed25519", in: local)
        chmod(key, mode_t(mode))
        _ = FileManager.default.createFile(atPath: local.file("known_hosts"), contents: Data())
        // Nothing listens on the port: were the key checked only after connecting, this would exit 69.
        let config = SyncConfig(
            database: local.file("audience.db"), stagingDir: local.file("staging"), port: try closedPort(),
            privateKey: key, knownHosts: local.file("known_hosts"), remoteDir: local.file("upload"))
        let path = try config.write(to: local.file("audience-sync.yaml"))

        let result = try CLI.run(["sync", "--config", path], limit: .seconds(30))

        #expect(result.status == 77, "\(result)")
        #expect(result.stderr.contains(key), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: local.file("audience.db")) || result.stdout.isEmpty)
    }
}
