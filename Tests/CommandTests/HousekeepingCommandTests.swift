import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--keep-runs` and the start-up permission warning, through `import`.
@Suite("history pruning and data permissions", .timeLimit(.minutes(3)))
struct HousekeepingCommandTests {
    /// Run ids in `history`, newest first.
    static func historyIDs(_ db: String) throws -> [Int] {
        try CLI.run(["history", "--db", db, "--format", "json", "--limit", "100"]).stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? Int
        }
    }

    @Test func keepRunsPrunesOldRunsButKeepsThePendingHeldRun() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        let all = try dir.write("all.csv", MetricsFileTests.all)
        let half = try dir.write("half.csv", MetricsFileTests.half)
        func run(_ users: String) throws -> Int32 {
            try CLI.run(["import", "--db", db, "--directory", "acme", "--users", users, "--keep-runs", "2"]).status
        }
        #expect(try run(all) == 0)  // #1 applied
        #expect(try run(half) == 65)  // #2 held, pending
        // #3-#5 unchanged: they neither apply nor hold, so #2 stays pending.
        for _ in 1...3 { #expect(try run(all) == 0) }

        #expect(try Self.historyIDs(db) == [5, 4, 2])
    }

    @Test func importWarnsWhenTheDatabaseIsOpenToOtherUsersAndKeeps1000RunsByDefault() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        let all = try dir.write("all.csv", MetricsFileTests.all)
        let arguments = ["import", "--db", db, "--directory", "acme", "--users", all, "--log-format", "json"]
        let first = try CLI.run(arguments)
        #expect(first.status == 0, "\(first)")
        var info = stat()
        #expect(stat(db, &info) == 0 && info.st_mode & 0o777 == 0o600, "created private under umask 077")

        let private_ = try CLI.run(arguments)
        #expect(!private_.stderr.contains("startup.permissions"), "\(private_)")

        #expect(chmod(db, 0o644) == 0)
        let open = try CLI.run(arguments)

        #expect(open.status == 0, "a warning, not a refusal: \(open)")
        let line = try #require(open.stderr.split(separator: "\n").first { $0.contains(#""event":"startup.permissions""#) })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["file"] as? String == db)
        #expect(object["mode"] as? String == "644")
        #expect(open.stderr.contains("audience-sync: warning: \(db): the database file has mode 644"), "\(open)")
        // Without --keep-runs (default 1000) nothing was pruned; 0 is a usage error.
        #expect(try Self.historyIDs(db) == [3, 2, 1])
        #expect(try CLI.run(arguments + ["--keep-runs", "0"]).status == 64)
    }
}
