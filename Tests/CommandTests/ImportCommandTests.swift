import Foundation
import Testing

@Suite("The command-line surface")
struct ImportCommandTests {
    @Test func importThenExportTheFixture() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        let imported = try CLI.run([
            "import", "--db", db, "--directory", "acme", "--users", CLI.fixture("users.csv"),
            "--groups", CLI.fixture("user_groups.csv"), "--groups-catalog", CLI.fixture("groups.csv"),
        ])
        #expect(imported.status == 0)
        #expect(imported.stdout.hasPrefix("acme: applied: 35 added, 0 updated, 0 removed, 0 unchanged, 0 rejected"))
        #expect(imported.stderr.contains("ignoring unknown columns: badge_color"))
        let exported = try CLI.run(["export", "--db", db])
        #expect(exported.status == 0)
        #expect(exported.stdout == (try String(contentsOfFile: CLI.fixture("expected-export.csv"), encoding: .utf8)))
        let again = try CLI.run([
            "import", "--db", db, "--directory", "acme", "--users", CLI.fixture("users.csv"),
            "--groups", CLI.fixture("user_groups.csv"), "--groups-catalog", CLI.fixture("groups.csv"),
        ])
        #expect(again.status == 0)
        #expect(again.stdout.contains("unchanged"))
        let history = try CLI.run(["history", "--db", db, "--format", "json"])
        #expect(history.stdout.split(separator: "\n").count == 2)
        #expect(history.stdout.contains("\"outcome\":\"unchanged\""))
    }

    @Test(arguments: [
        ("bad/missing-email-column.csv", Int32(65), "required column 'email' is missing"),
        ("bad/unterminated-quote.csv", 65, "never closed"),
        ("bad/invalid-utf8.csv", 65, "invalid UTF-8"),
        ("bad/header-only.csv", 65, "no data rows"),
        ("bad/utf16le.csv", 65, "UTF-16"),
        ("bad/nul-byte.csv", 65, "NUL"),
        ("bad/duplicate-header.csv", 65, "appears twice"),
        ("bad/does-not-exist.csv", 66, "no such file"),
    ])
    func badFilesExitWithTheDocumentedCode(file: String, status: Int32, message: String) throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        try CLI.run(["import", "--db", db, "--directory", "acme", "--users", CLI.fixture("users.csv")])
        let before = try CLI.run(["export", "--db", db]).stdout
        let result = try CLI.run(["import", "--db", db, "--directory", "acme", "--users", CLI.fixture(file)])
        #expect(result.status == status)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(try CLI.run(["export", "--db", db]).stdout == before)
        let validated = try CLI.run(["validate", "--users", CLI.fixture(file)])
        #expect(validated.status == status)
    }

    @Test func heldRunExits65AndPrintsWhoWouldBeRemoved() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        let all = "user_id,email,first_name,last_name\n" + (1...40).map { "u\($0),u\($0)@x.com,F,L" }.joined(separator: "\n")
        let few = "user_id,email,first_name,last_name\n" + (1...20).map { "u\($0),u\($0)@x.com,F,L" }.joined(separator: "\n")
        try CLI.run(["import", "--db", db, "--directory", "acme", "--users", try dir.write("all.csv", all)])
        let held = try CLI.run(["import", "--db", db, "--directory", "acme", "--users", try dir.write("few.csv", few)])
        #expect(held.status == 65)
        #expect(held.stdout.contains("held: the run would remove 20 of 40 members"))
        #expect(held.stdout.contains("u21 <u21@x.com>"))
        let forced = try CLI.run([
            "import", "--db", db, "--directory", "acme", "--users", dir.path("few.csv"), "--allow-mass-removal",
        ])
        #expect(forced.status == 0)
        #expect(forced.stdout.contains("20 removed"))
    }

    @Test func rejectedRowsArePrintedWithFileLineAndColumnButNoContent() throws {
        let dir = try TempDir()
        let users = try dir.write("users.csv", "user_id,email,first_name,last_name\n1,secret-value,A,B\n2,b@x.com,B,B\n")
        let result = try CLI.run(["import", "--db", dir.path("a.db"), "--directory", "acme", "--users", users])
        #expect(result.status == 0)
        #expect(result.stdout.contains("users.csv:2:2: email has no '@'"))
        #expect(!result.stdout.contains("secret-value") && !result.stderr.contains("secret-value"))
    }

    @Test(arguments: [
        ["import", "--db", "x.db", "--directory", "acme"],
        ["import", "--db", "x.db", "--directory", "acme", "--users", "u.csv", "--attributes", "shoe_size"],
        ["import", "--db", "x.db", "--directory", "", "--users", "u.csv"],
        ["export", "--db", "x.db", "--format", "yaml"],
        ["frobnicate"],
    ])
    func usageErrorsExit64(arguments: [String]) throws {
        #expect(try CLI.run(arguments).status == 64)
    }

    @Test func secondRunWhileOneHoldsTheLockExits75() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        // Hold the lock from this process with flock(1)'s semantics via a child `flock` command.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [db + ".lock", "sleep", "5"]
        try holder.run()
        defer { holder.terminate(); holder.waitUntilExit() }
        var result = CLI.Result(status: 0, stdout: "", stderr: "")
        for _ in 0..<50 {
            result = try CLI.run(["import", "--db", db, "--directory", "acme", "--users", CLI.fixture("users.csv")])
            if result.status == 75 { break }
            usleep(100_000)
        }
        #expect(result.status == 75)
        #expect(result.stderr.contains("another run is in progress"))
    }

    @Test func listCommandsAndHelpMentionExitCodes() throws {
        let dir = try TempDir()
        let db = dir.path("a.db")
        let imported = try CLI.run(["list", "import", "--db", db, "--name", "vip", CLI.fixture("manual-list.csv")])
        #expect(imported.status == 0)
        #expect(imported.stdout.hasPrefix("list:vip:"))
        #expect(try CLI.run(["export", "--db", db]).stdout.contains("list:vip"))
        #expect(try CLI.run(["list", "delete", "--db", db, "--name", "vip"]).status == 0)
        #expect(try CLI.run(["list", "delete", "--db", db, "--name", "vip"]).status == 66)
        let help = try CLI.run(["import", "--help"])
        #expect(help.stdout.contains("EXIT STATUS") && help.stdout.contains("75"))
    }
}
