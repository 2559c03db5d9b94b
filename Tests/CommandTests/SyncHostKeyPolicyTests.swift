import Foundation
import SSHTestSupport
import Testing

/// Host key checking by `sync`: unknown and changed keys stop the run with the server's fingerprint.
@Suite("sync host key policy", .timeLimit(.minutes(1)))
struct SyncHostKeyPolicyTests {
    @Test func unknownHostKeyExits78WithTheFingerprintAndAppliesNothing() throws {
        let fixture = try SyncFixture(trustServer: false)
        try fixture.writeConfig()

        let result = try fixture.sync()

        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("audience-sync: acme: "), "\(result)")
        #expect(result.stderr.contains("SHA256:"), "\(result)")
        #expect(result.stderr.contains(try fixture.server.fingerprint()), "\(result)")
        #expect(try fixture.memberCount() == 0)
        #expect(fixture.stagedFiles().isEmpty, "\(fixture.stagedFiles())")
        #expect(try String(contentsOfFile: fixture.knownHostsPath, encoding: .utf8).isEmpty)
    }

    @Test(arguments: ["strict", "accept-new"])
    func changedHostKeyExits78WhateverThePolicy(policy: String) throws {
        let fixture = try SyncFixture(trustServer: false)
        let impostor = try TestKeys.generate("ed25519", in: fixture.local)
        let impostorKey = try String(contentsOfFile: impostor + ".pub", encoding: .utf8).split(separator: " ")
        let knownHosts = "[127.0.0.1]:\(fixture.server.port) \(impostorKey[0]) \(impostorKey[1])\n"
        try knownHosts.write(toFile: fixture.knownHostsPath, atomically: true, encoding: .utf8)
        var config = fixture.config()
        config.hostKeyPolicy = policy
        try fixture.writeConfig(config)

        let result = try fixture.sync()

        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("audience-sync: acme: "), "\(result)")
        #expect(result.stderr.contains(try fixture.server.fingerprint()), "\(result)")
        #expect(try fixture.memberCount() == 0)
        // The trusted (impostor) entry is never overwritten.
        #expect(try String(contentsOfFile: fixture.knownHostsPath, encoding: .utf8) == knownHosts)
    }

    @Test func acceptNewRecordsTheKeyAndALaterStrictRunSucceeds() throws {
        let fixture = try SyncFixture(trustServer: false)
        var config = fixture.config()
        config.hostKeyPolicy = "accept-new"
        try fixture.writeConfig(config)

        let first = try fixture.sync()

        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.hasPrefix("acme: applied: 35 added"), "\(first)")
        let recorded = try String(contentsOfFile: fixture.knownHostsPath, encoding: .utf8)
        #expect(recorded.contains("[127.0.0.1]:\(fixture.server.port) ssh-ed25519 "), "known_hosts: \(recorded)")
        #expect(recorded.split(separator: "\n").count == 1, "known_hosts: \(recorded)")

        config.hostKeyPolicy = "strict"
        try fixture.writeConfig(config)
        let second = try fixture.sync()

        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.hasPrefix("acme: unchanged"), "\(second)")
    }
}
