import AudienceCore
import Foundation
import Testing

@Suite("Row-level rejects never remove anybody")
struct RejectionTests {
    /// Imports a baseline of 40 users in group G, then a second file where user 1's row is bad.
    private func baseline() throws -> Workspace {
        let space = try Workspace()
        let groups = "user_id,group_name\n" + (1...40).map { "u\($0),G" }.joined(separator: "\n") + "\n"
        try space.sync(users: usersCSV(manyUsers(1...40)), groups: groups)
        return space
    }

    @Test(arguments: [
        ("u1,not-an-email,First1,Last1,active", 2, "email has no '@'"),
        ("u1,u1@example.com,,Last1,active", 3, "is empty but required"),
        ("u1,u1@example.com,First1,Last1,on-leave", 5, "not a known state"),
        ("u1,u1@example.com,First1,Last1", nil, "row has 4 fields but the header has 5"),
        ("u1,u1@example.com,First1,Last1,active,extra", nil, "row has 6 fields"),
        ("u1,u1@exa\"mple.com,First1,Last1,active", 2, "quote"),
    ] as [(String, Int?, String)])
    func badRowKeepsTheExistingMember(row: String, column: Int?, reason: String) throws {
        let space = try baseline()
        let before = try space.export()
        let users = usersCSV(manyUsers(2...40)).replacingOccurrences(of: "state\n", with: "state\n\(row)\n")
        let groups = "user_id,group_name\n" + (1...40).map { "u\($0),Other" }.joined(separator: "\n") + "\n"
        let report = try space.sync(users: users, groups: groups)
        #expect(report.counts.rejected == 2, "the user row and its membership row")
        #expect(report.counts.removed == 0)
        let rejection = try #require(report.rejections.entries.first)
        #expect(rejection.line == 2)
        #expect(rejection.column == column)
        #expect(rejection.reason.contains(reason))
        #expect(report.rejections.entries.last?.reason.contains("was rejected") == true)
        // u1 keeps exactly its record and its old membership in G.
        #expect(try space.export().first { $0.hasPrefix("u1@") } == before.first { $0.hasPrefix("u1@") })
    }

    @Test func duplicateUserIDRejectsEveryRowOfIt() throws {
        let space = try Workspace()
        let report = try space.sync(users: usersCSV(["1:a@x.com:A:A", "2:b@x.com:B:B", "1:c@x.com:C:C"]))
        #expect(report.counts.added == 1)
        #expect(report.rejections.entries.map(\.line) == [2, 4])
        #expect(report.rejections.entries.allSatisfy { $0.reason.contains("more than one row") && $0.column == 1 })
    }

    @Test func duplicatesFarApartAreFoundAcrossIndexingBlocks() throws {
        // Rows are indexed in blocks of 16,384 on a second thread; duplicates must be found across blocks.
        let space = try Workspace()
        var rows = manyUsers(1...40_000)
        rows[30_000] = "u5:other5@example.com:F:L"  // repeats user_id u5 (line 6)
        rows[35_000] = "x1:U7@EXAMPLE.com:F:L"  // repeats the email of u7 (line 8)
        let report = try space.sync(users: usersCSV(rows))
        #expect(report.rejections.entries.map(\.line) == [6, 8, 30_002, 35_002])
        #expect(report.counts.added == 40_000 - 4)
    }

    @Test func sameEmailOnTwoUsersRejectsBoth() throws {
        let space = try Workspace()
        let report = try space.sync(users: usersCSV(["1:a@x.com:A:A", "2: A@X.COM :B:B", "3:c@x.com:C:C"]))
        #expect(report.counts.added == 1)
        #expect(report.rejections.entries.map(\.line) == [2, 3])
        #expect(report.rejections.entries.allSatisfy { $0.column == 2 })
    }

    @Test func anInactiveRowMayShareTheEmailOfAnActiveOne() throws {
        let space = try Workspace()
        let report = try space.sync(users: usersCSV(["1:a@x.com:A:A:terminated", "2:a@x.com:A:A"]))
        #expect(report.counts.added == 1)
        #expect(report.counts.rejected == 0)
    }

    @Test func membershipOfAnUnknownUserIsRejected() throws {
        let space = try Workspace()
        let report = try space.sync(users: usersCSV(["1:a@x.com:A:A"]), groups: "user_id,group_name\n1,G\nghost,G\n1,\n")
        #expect(report.counts.membershipsAdded == 1)
        #expect(report.rejections.entries.map(\.line) == [3, 4])
        #expect(report.rejections.entries[0].reason.contains("not in"))
        #expect(report.rejections.entries[1].reason.contains("empty"))
    }

    @Test func membershipsOfInactiveUsersAreSkippedNotRejected() throws {
        let space = try Workspace()
        let report = try space.sync(users: usersCSV(["1:a@x.com:A:A", "2:b@x.com:B:B:disabled"]), groups: "user_id,group_name\n1,G\n2,G\n")
        #expect(report.counts.rejected == 0)
        #expect(report.counts.membershipsAdded == 1)
    }

    @Test func aRowWithoutUserIDKeepsEveryMissingMember() throws {
        let space = try baseline()
        // u1 is missing, and one row has no user_id: it could be u1, so nobody is removed.
        let users = usersCSV(manyUsers(2...40)) + ",ghost@example.com,G,G,active\n"
        let report = try space.sync(users: users)
        #expect(report.counts.removed == 0)
        #expect(report.counts.rejected == 1)
        #expect(report.warnings.contains { $0.contains("members missing from the file are kept") })
        #expect(try space.export().count == 40)
    }

    @Test func rejectionsAreStoredWithTheRun() throws {
        let space = try Workspace()
        let report = try space.sync(users: usersCSV(["1:a@x.com:A:A", "2:bad:B:B"]))
        let runID = try #require(report.runID)
        let stored = try space.store.rejections(runID: runID)
        #expect(stored.count == 1)
        #expect(stored.first?.line == 3)
        #expect(stored.first?.reason == "email has no '@'")
    }
}
