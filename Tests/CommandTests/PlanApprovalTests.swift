import Foundation
import Testing

/// Held runs: `plan show`, `approve` and `discard`, against real databases and files.
@Suite("held runs: plan show, approve, discard", .timeLimit(.minutes(2)))
struct PlanApprovalTests {
    /// A database with the fixture imported, and a held run that would remove all but four members.
    struct Held {
        let dir: TempDir
        let db: String
        let smallUsers: String
        let heldRun: String

        init() throws {
            dir = try TempDir()
            db = dir.path("a.db")
            try CLI.run([
                "import", "--db", db, "--directory", "acme", "--users", CLI.fixture("users.csv"), "--groups",
                CLI.fixture("user_groups.csv"),
            ])
            let lines = try String(contentsOfFile: CLI.fixture("users.csv"), encoding: .utf8).split(separator: "\n")
            smallUsers = try dir.write("small.csv", lines.prefix(5).joined(separator: "\n") + "\n")
            let held = try CLI.run(["import", "--db", db, "--directory", "acme", "--users", smallUsers])
            #expect(held.status == 65, "\(held.stderr)")
            let history = try CLI.run(["history", "--db", db, "--outcome", "held", "--format", "json"])
            let run = try #require(history.stdout.split(separator: "\n").first)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.utf8)) as? [String: Any])
            heldRun = "\(try #require(object["id"] as? Int))"
            #expect(object["planState"] as? String == "pending")
        }

        func export() throws -> String { try CLI.run(["export", "--db", db]).stdout }
    }

    @Test func planShowListsThePeopleInTextJSONAndCSV() throws {
        let held = try Held()
        let text = try CLI.run(["plan", "show", held.heldRun, "--db", held.db])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Would remove (31):"))
        #expect(text.stdout.contains("a0005 <lukasz.nowak@acme-robotics.example>"))
        #expect(text.stdout.contains("audience-sync approve \(held.heldRun)"))

        let csv = try CLI.run(["plan", "show", held.heldRun, "--db", held.db, "--format", "csv"])
        let rows = csv.stdout.split(separator: "\n")
        #expect(rows.first == "user_id,email,first_name,last_name")
        #expect(rows.count == 32)
        #expect(rows.contains("a0009,robert.johnson@acme-robotics.example,\"Robert \"\"Bobby\"\"\",Johnson"))

        let json = try CLI.run(["plan", "show", held.heldRun, "--db", held.db, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.count == 31)
        #expect(entries.allSatisfy { $0["action"] as? String == "remove" })
    }

    @Test func approveAppliesExactlyThePlanAndRecordsWhoApproved() throws {
        let held = try Held()
        let approved = try CLI.run(["approve", held.heldRun, "--db", held.db])
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(approved.stdout.contains("acme: applied: 0 added, 0 updated, 31 removed, 4 unchanged"))
        let exported = try held.export()
        #expect(exported.split(separator: "\n").count == 1 + 4)

        let show = try CLI.run(["history", "show", held.heldRun, "--db", held.db, "--format", "json"])
        let run = try #require(
            (try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])?["run"] as? [String: Any])
        #expect(run["planState"] as? String == "approved")
        let user = try #require(run["resolvedBy"] as? String)
        #expect(!user.isEmpty)
        let history = try CLI.run(["history", "--db", held.db, "--limit", "1"])
        #expect(history.stdout.contains("approve applied (exit 0)"))
        #expect(history.stdout.contains("applied the plan of held run \(held.heldRun)"))

        // Approving twice is refused: the plan is no longer pending.
        let again = try CLI.run(["approve", held.heldRun, "--db", held.db])
        #expect(again.status == 65)
        #expect(again.stderr.contains("is not waiting for approval (it is approved)"))
        #expect(try held.export() == exported)
    }

    @Test func approveIsRefusedWhenTheAudienceChangedSince() throws {
        let held = try Held()
        // A later import that changes one member (within the guard) moves the audience on.
        var lines = try String(contentsOfFile: CLI.fixture("users.csv"), encoding: .utf8).components(separatedBy: "\n")
        lines[1] = lines[1].replacingOccurrences(of: "Margaret", with: "Margo")
        let changed = try held.dir.write("changed.csv", lines.joined(separator: "\n"))
        let applied = try CLI.run(["import", "--db", held.db, "--directory", "acme", "--users", changed])
        #expect(applied.status == 0, "\(applied.stdout) \(applied.stderr)")
        let before = try held.export()

        let refused = try CLI.run(["approve", held.heldRun, "--db", held.db])
        // The later applied run superseded the held plan.
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("superseded"), "\(refused.stderr)")
        #expect(try held.export() == before)
    }

    @Test func approveIsRefusedWhenTheHeldFileChanged() throws {
        let held = try Held()
        let before = try held.export()
        try Data("user_id,email,first_name,last_name\nx1,x1@example.com,X,One\n".utf8)
            .write(to: URL(fileURLWithPath: held.smallUsers))
        let refused = try CLI.run(["approve", held.heldRun, "--db", held.db])
        #expect(refused.status == 66)
        #expect(refused.stderr.contains("has changed since the run was held"), "\(refused.stderr)")
        #expect(try held.export() == before)

        try FileManager.default.removeItem(atPath: held.smallUsers)
        let gone = try CLI.run(["approve", held.heldRun, "--db", held.db])
        #expect(gone.status == 66)
        #expect(gone.stderr.contains("is no longer there"), "\(gone.stderr)")
    }

    /// The same size, other bytes, in a column the run does not store (so the plan's counts stay the same):
    /// only the SHA-256 the approving run takes of the file can tell.
    @Test func approveIsRefusedWhenTheHeldFileChangedButKeptItsSize() throws {
        let held = try Held()
        let before = try held.export()
        let original = try String(contentsOfFile: held.smallUsers, encoding: .utf8)
        let edited = original.replacingOccurrences(of: "Chief Executive", with: "Chief Exekutive")
        try #require(edited != original && edited.utf8.count == original.utf8.count)
        try Data(edited.utf8).write(to: URL(fileURLWithPath: held.smallUsers))

        let refused = try CLI.run(["approve", held.heldRun, "--db", held.db])

        #expect(refused.status == 66, "\(refused)")
        #expect(
            refused.stderr.contains("\(held.smallUsers) has changed since the run was held (SHA-256 "), "\(refused.stderr)")
        #expect(try held.export() == before)
        let last = try CLI.run(["history", "--db", held.db, "--limit", "1"])
        #expect(last.stdout.contains("approve refused (exit 66)"), "\(last)")
        let show = try CLI.run(["plan", "show", held.heldRun, "--db", held.db])
        #expect(show.status == 0, "the plan still waits: \(show)")
    }

    @Test func discardDropsThePlanAndApproveIsThenRefused() throws {
        let held = try Held()
        let before = try held.export()
        let discarded = try CLI.run(["discard", held.heldRun, "--db", held.db])
        #expect(discarded.status == 0, "\(discarded.stderr)")
        #expect(discarded.stdout.contains("plan discarded"))
        #expect(try held.export() == before)
        let approve = try CLI.run(["approve", held.heldRun, "--db", held.db])
        #expect(approve.status == 65)
        #expect(approve.stderr.contains("(it is discarded)"))
        let show = try CLI.run(["plan", "show", held.heldRun, "--db", held.db])
        #expect(show.status == 65)
        let twice = try CLI.run(["discard", held.heldRun, "--db", held.db])
        #expect(twice.status == 65)
        let unknown = try CLI.run(["approve", "999", "--db", held.db])
        #expect(unknown.status == 66)
        #expect(unknown.stderr.contains("run 999: no such run"))
    }

    /// Every command that takes a run id says the same thing, with the same code, about a run it cannot use.
    @Test(arguments: [
        (["history", "show", "999"], Int32(66), "run 999: no such run in the history."),
        (["plan", "show", "999"], 66, "run 999: no such run in the history."),
        (["approve", "999"], 66, "run 999: no such run in the history."),
        (["discard", "999"], 66, "run 999: no such run in the history."),
        (["plan", "show", "1"], 65, "run 1 is not waiting for approval (it is applied); nothing was applied."),
        (["approve", "1"], 65, "run 1 is not waiting for approval (it is applied); nothing was applied."),
        (["discard", "1"], 65, "run 1 is not waiting for approval (it is applied); nothing was applied."),
    ])
    func aRunThatIsMissingOrNotHeldIsRefused(arguments: [String], status: Int32, message: String) throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        try #require(try CLI.run(["import", "--db", db, "--directory", "acme", "--users", CLI.fixture("users.csv")]).status == 0)

        let result = try CLI.run(arguments + ["--db", db])

        #expect(result.status == status, "\(result)")
        #expect(result.stderr == "audience-sync: \(message)\n", "\(result)")
    }

    @Test func aNewerHeldRunSupersedesTheOlderOne() throws {
        let held = try Held()
        let lines = try String(contentsOfFile: CLI.fixture("users.csv"), encoding: .utf8).split(separator: "\n")
        let smaller = try held.dir.write("smaller.csv", lines.prefix(4).joined(separator: "\n") + "\n")
        let second = try CLI.run(["import", "--db", held.db, "--directory", "acme", "--users", smaller])
        #expect(second.status == 65)
        let history = try CLI.run(["history", "--db", held.db, "--outcome", "held"])
        #expect(history.stdout.contains("[plan pending]"))
        #expect(history.stdout.contains("[plan superseded]"))
        let old = try CLI.run(["approve", held.heldRun, "--db", held.db])
        #expect(old.status == 65)
        #expect(old.stderr.contains("(it is superseded)"))
    }
}
