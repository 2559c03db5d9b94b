import Foundation
import SSHTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `audience-sync sync` against a real OpenSSH sshd: the happy path, key types, dry run and the run lock.
@Suite("sync end to end", .timeLimit(.minutes(1)))
struct SyncEndToEndTests {
    @Test func fullSyncAppliesTheFixtureThenReportsUnchanged() throws {
        let fixture = try SyncFixture()
        try fixture.writeConfig()

        let first = try fixture.sync()

        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.hasPrefix("acme: applied: 35 added, 0 updated"), "\(first)")
        #expect(try fixture.export() == SyncFixture.expectedExport())
        #expect(fixture.stagedFiles().isEmpty, "staging after apply: \(fixture.stagedFiles())")
        // Without archive_dir or delete_after_apply the drop folder is left alone.
        #expect(fixture.remoteContents() == SyncFixture.exportFiles.sorted())
        // The database is closed at the end of the run: everything is in the database file itself, so a
        // backup that copies only audience.db is complete (README "Backing up").
        #expect((FileManager.default.contents(atPath: fixture.database + "-wal") ?? Data()).isEmpty)
        let copy = fixture.local.file("backup.db")
        try FileManager.default.copyItem(atPath: fixture.database, toPath: copy)
        #expect(try CLI.run(["export", "--db", copy]).stdout == SyncFixture.expectedExport())

        let second = try fixture.sync()

        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.hasPrefix("acme: unchanged"), "\(second)")
        #expect(try fixture.export() == SyncFixture.expectedExport())
        #expect(try fixture.outcomes() == ["applied", "unchanged"])
        #expect(fixture.stagedFiles().isEmpty, "staging after unchanged run: \(fixture.stagedFiles())")
    }

    @Test(arguments: ["ed25519", "ecdsa", "rsa"])
    func everyClientKeyTypeSyncs(keyType: String) throws {
        let fixture = try SyncFixture(keyType: keyType)
        try fixture.writeConfig()

        let result = try fixture.sync()

        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("acme: applied: 35 added"), "\(result)")
        #expect(try fixture.export() == SyncFixture.expectedExport())
    }

    @Test func dryRunDownloadsAndReportsButAppliesNothing() throws {
        let fixture = try SyncFixture()
        try fixture.writeConfig()

        let result = try fixture.sync(["--dry-run"])

        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("acme: "), "\(result)")
        #expect(try fixture.memberCount() == 0)
        #expect(!fixture.stagedFiles().contains { $0.hasSuffix(".partial") })
        #expect(fixture.remoteContents() == SyncFixture.exportFiles.sorted())
    }

    @Test func directoryOptionNamingNoConfiguredDirectoryIsRefused() throws {
        let fixture = try SyncFixture()
        try fixture.writeConfig()

        let result = try fixture.sync(["--directory", "globex"])

        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.contains("globex"), "\(result)")
        #expect(try fixture.memberCount() == 0)
    }

    @Test func secondRunWhileAnotherHoldsTheLockExits75AndNamesThePID() throws {
        let fixture = try SyncFixture()
        try fixture.writeConfig()
        let lockPath = fixture.database + ".lock"
        // flock(1) holds the lock the way a running sync would; its PID goes in the file as a sync's would.
        let holder = try Shell.spawn("/usr/bin/flock", [lockPath, "sleep", "20"])
        defer { ProcessTree.kill(holder) }
        let locked = eventually(within: .seconds(5)) {
            (try? Shell.run("/usr/bin/flock", ["-n", lockPath, "true"])) == nil
        }
        try #require(locked, "flock never took \(lockPath)")
        let handle = try #require(FileHandle(forWritingAtPath: lockPath))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("\(holder)\n".utf8))
        try handle.close()

        let result = try fixture.sync()

        #expect(result.status == 75, "\(result)")
        #expect(result.stderr.contains("another run is in progress"), "\(result)")
        #expect(result.stderr.contains("\(holder)"), "\(result)")
        #expect(try fixture.memberCount() == 0)
        #expect(fixture.stagedFiles().isEmpty, "\(fixture.stagedFiles())")
    }
}

extension SyncEndToEndTests {
    /// The run's digests come from the download (the files are not hashed twice); they must be the files' own.
    @Test func historyRecordsEachFilesOwnSHA256() throws {
        let fixture = try SyncFixture()
        try fixture.writeConfig()

        let result = try fixture.sync()

        #expect(result.status == 0, "\(result)")
        let line = try #require(try fixture.history().first)
        let run = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let files = try #require(run["files"] as? [[String: Any]])
        var recorded: [String: String] = [:]
        for file in files { recorded[file["name"] as? String ?? "?"] = file["sha256"] as? String }
        var expected: [String: String] = [:]
        for name in SyncFixture.exportFiles { expected[name] = try Shell.sha256(fixture.remotePath(name)) }
        #expect(recorded == expected)
    }
}
