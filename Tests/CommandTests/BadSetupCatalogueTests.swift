import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The configuration, key and known_hosts part of the bad-input catalogue: each mistake is made
/// against a real sshd on 127.0.0.1 and must stop `sync` (or `check-config`) with the documented
/// status and a message naming the file at fault, before anything is applied.
@Suite("bad setup catalogue", .timeLimit(.minutes(3)))
struct BadSetupCatalogueTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let id: String
        let summary: String
        let command: String
        let status: Int32
        var testDescription: String { "\(id): \(summary)" }
    }

    static let cases = [
        Case(id: "config-unknown-key", summary: "a misspelt key (hots:) in the sftp section", command: "check-config", status: 78),
        Case(id: "config-unknown-top-key", summary: "an unknown top-level key", command: "sync", status: 78),
        Case(id: "key-mode-0644", summary: "private key readable by group and others", command: "sync", status: 77),
        Case(
            id: "known-hosts-other-type", summary: "known_hosts has only an ECDSA key for the host, the server offers Ed25519",
            command: "sync", status: 78),
    ]

    @Test(arguments: cases)
    func setupMistakeStopsBeforeAnythingIsApplied(_ item: Case) throws {
        let fixture = try SyncFixture(trustServer: item.id != "known-hosts-other-type")
        var config = fixture.config()
        var fragments: [String] = []
        var knownHosts: String?
        switch item.id {
        case "config-unknown-key":
            config.extraSFTPLines = ["hots: 127.0.0.1"]
            fragments = [fixture.configPath, "directories[0].sftp.hots: unknown key (did you mean 'host'?)."]
        case "config-unknown-top-key":
            fragments = [fixture.configPath + ":1: databse: unknown key (did you mean 'database'?)."]
        case "key-mode-0644":
            chmod(fixture.keyPath, 0o644)
            fragments = ["directories[0].sftp.private_key: Permissions 0644 for '\(fixture.keyPath)' are too open", "chmod 600"]
        case "known-hosts-other-type":
            let other = try TestKeys.generate("ecdsa", in: fixture.local)
            let key = try String(contentsOfFile: other + ".pub", encoding: .utf8).split(separator: " ")
            knownHosts = "[127.0.0.1]:\(fixture.server.port) \(key[0]) \(key[1])\n"
            try knownHosts!.write(toFile: fixture.knownHostsPath, atomically: true, encoding: .utf8)
            fragments = [try fixture.server.fingerprint(), "changed", fixture.knownHostsPath]
        default:
            Issue.record("no setup for \(item.id)")
        }
        try fixture.writeConfig(config)
        if item.id == "config-unknown-top-key" {
            let text = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
            try ("databse: /tmp/typo.db\n" + text).write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        }

        let result =
            item.command == "sync"
            ? try fixture.sync()
            : try CLI.run(["check-config", "--config", fixture.configPath], limit: .seconds(30))

        #expect(result.status == item.status, "\(item.id): \(result)")
        for fragment in fragments {
            #expect(result.stderr.contains(fragment), "\(item.id): no '\(fragment)' in \(result)")
        }
        #expect(try fixture.memberCount() == 0)
        #expect(fixture.stagedFiles().isEmpty, "\(fixture.stagedFiles())")
        if let knownHosts {
            // A mismatching entry is never overwritten by the key the server offered.
            #expect(try String(contentsOfFile: fixture.knownHostsPath, encoding: .utf8) == knownHosts)
        }
    }
}
