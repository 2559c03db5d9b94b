import Foundation
import SSHTestSupport
import Testing

/// `sync` outcomes beyond the happy path: the removal guard, several directories in one run, and change detection.
@Suite("sync outcomes", .timeLimit(.minutes(1)))
struct SyncOutcomeTests {
    @Test func runThatWouldRemoveHalfTheMembersIsHeldWith65() throws {
        let fixture = try SyncFixture(uploadFixtures: false)
        try fixture.writeConfig()
        try Self.users(1...40).write(toFile: fixture.remotePath("users.csv"), atomically: true, encoding: .utf8)
        let first = try fixture.sync()
        try #require(first.status == 0, "\(first)")
        let before = try fixture.export()

        try Self.users(1...20).write(toFile: fixture.remotePath("users.csv"), atomically: true, encoding: .utf8)
        let held = try fixture.sync()

        #expect(held.status == 65, "\(held)")
        #expect(held.stdout.hasPrefix("acme: held: "), "\(held)")
        #expect(held.stdout.contains("20 of 40"), "\(held)")
        #expect(try fixture.export() == before)
        #expect(try fixture.outcomes() == ["applied", "held"])
    }

    @Test func exitStatusIsTheMostSevereDirectorysAndDirectorySelectsOne() throws {
        let fixture = try SyncFixture()
        // globex: same server, but its known_hosts is empty, so its runs stop at the host key (78).
        let globexKnownHosts = fixture.local.file("globex_known_hosts")
        _ = FileManager.default.createFile(atPath: globexKnownHosts, contents: Data())
        var globex = fixture.config()
        globex.directoryID = "globex"
        globex.knownHosts = globexKnownHosts
        var config = fixture.config()
        config.otherDirectories = [globex]
        try fixture.writeConfig(config)

        let both = try fixture.sync()

        #expect(both.status == 78, "\(both)")
        let lines = both.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("acme: applied: 35 added") }, "\(both)")
        #expect(lines.contains { $0.hasPrefix("globex: ") }, "\(both)")
        #expect(both.stderr.contains("audience-sync: globex: "), "\(both)")
        #expect(both.stderr.contains(try fixture.server.fingerprint()), "\(both)")
        #expect(!both.stderr.contains("audience-sync: acme: "), "\(both)")
        #expect(try fixture.export() == SyncFixture.expectedExport())

        let acmeOnly = try fixture.sync(["--directory", "acme"])

        #expect(acmeOnly.status == 0, "\(acmeOnly)")
        #expect(acmeOnly.stdout.hasPrefix("acme: unchanged"), "\(acmeOnly)")
        #expect(!acmeOnly.stdout.contains("globex"), "\(acmeOnly)")
    }

    @Test func contentChangeKeepingSizeAndMtimeIsAppliedWhenStatSkippingIsOff() throws {
        let fixture = try SyncFixture()
        var config = fixture.config()
        config.extraSFTPLines = ["skip_unchanged_by_stat: false"]
        try fixture.writeConfig(config)
        let first = try fixture.sync()
        try #require(first.status == 0, "\(first)")

        // Same byte count, same mtime (SFTP v3 carries whole seconds): only the content tells them apart.
        let users = fixture.remotePath("users.csv")
        let modified = try #require(
            try FileManager.default.attributesOfItem(atPath: users)[.modificationDate] as? Date)
        let text = try String(contentsOfFile: users, encoding: .utf8)
        try text.replacingOccurrences(of: ",Margaret,", with: ",Margarot,")
            .write(toFile: users, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: users)
        let second = try fixture.sync()

        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.hasPrefix("acme: applied: 0 added, 1 updated"), "\(second)")
        #expect(try fixture.export().contains(",Margarot,"))
    }

    /// A minimal users.csv with the given active users.
    static func users(_ ids: ClosedRange<Int>) -> String {
        "user_id,email,first_name,last_name\n" + ids.map { "u\($0),u\($0)@example.com,F,L\n" }.joined()
    }
}
