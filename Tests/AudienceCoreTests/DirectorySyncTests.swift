import AudienceCore
import Foundation
import Testing

@Suite("Directory sync: adds, updates, removals")
struct DirectorySyncTests {
    @Test func firstImportAddsEveryActiveUser() throws {
        let space = try Workspace()
        let report = try space.sync(
            users: usersCSV(["1:a@x.com:Ann:Lee", "2:b@x.com:Bob:Ray", "3:c@x.com:Cy:Oh:suspended"]))
        #expect(report.outcome == .applied)
        #expect(report.counts.added == 2)
        #expect(report.counts.removed == 0)
        #expect(try space.export() == ["a@x.com,Ann,Lee,,acme", "b@x.com,Bob,Ray,,acme"])
    }

    @Test func sameFilesTwiceChangeNothing() throws {
        let space = try Workspace()
        let users = usersCSV(["1:a@x.com:Ann:Lee", "2:b@x.com:Bob:Ray"])
        let groups = "user_id,group_name\n1,Eng\n2,Eng\n2,Ops\n"
        try space.sync(users: users, groups: groups)
        let before = try space.dump()
        let again = try space.sync(users: users, groups: groups, skipUnchanged: false)
        #expect(again.outcome == .applied)
        #expect(again.counts.isEmpty)
        #expect(again.counts.unchanged == 2)
        #expect(try space.dump() == before)
    }

    @Test func identicalFilesAreRecordedAsUnchanged() throws {
        let space = try Workspace()
        let users = usersCSV(["1:a@x.com:Ann:Lee"])
        try space.sync(users: users)
        let second = try space.sync(users: users)
        #expect(second.outcome == .unchanged)
        let third = try space.sync(users: users, attributes: .all)
        #expect(third.outcome == .applied, "a different attribute selection must re-apply")
        #expect(try space.store.history(limit: 5).map(\.outcome) == ["applied", "unchanged", "applied"].reversed())
    }

    @Test func changedEmailIsAnUpdateNotARemovalAndAdd() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(["1:a@x.com:Ann:Lee"]), groups: "user_id,group_name\n1,Eng\n")
        let id = try space.member("1", "id")
        let report = try space.sync(users: usersCSV(["1:ann.lee@x.com:Ann:Lee"]), groups: "user_id,group_name\n1,Eng\n")
        #expect(report.counts.updated == 1)
        #expect(report.counts.added == 0 && report.counts.removed == 0)
        #expect(report.counts.membershipsAdded == 0 && report.counts.membershipsRemoved == 0)
        #expect(try space.member("1", "id") == id)
        #expect(try space.export() == ["ann.lee@x.com,Ann,Lee,Eng,acme"])
    }

    @Test func missingAndInactiveMembersAreRemovedWithTheirMemberships() throws {
        let space = try Workspace()
        try space.sync(
            users: usersCSV(["1:a@x.com:A:A", "2:b@x.com:B:B", "3:c@x.com:C:C"]),
            groups: "user_id,group_name\n1,G\n2,G\n3,G\n")
        let report = try space.sync(
            users: usersCSV(["1:a@x.com:A:A", "2:b@x.com:B:B:Terminated"]), groups: "user_id,group_name\n1,G\n2,G\n",
            guard: RemovalGuard(disabled: true))
        #expect(report.counts.removed == 2)
        #expect(report.counts.membershipsRemoved == 2)
        #expect(try space.export() == ["a@x.com,A,A,G,acme"])
        #expect(try space.dump().filter { $0.hasPrefix("memberships") }.count == 1)
    }

    @Test func emailsAreStoredAsGivenAndComparedCaseInsensitively() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(["1: Ann.Lee@X.com :Ann:Lee"]))
        #expect(try space.member("1", "email") == "Ann.Lee@X.com")
        #expect(try space.member("1", "email_key") == "ann.lee@x.com")
    }

    @Test func missingStateColumnMeansEveryoneIsActive() throws {
        let space = try Workspace()
        let report = try space.sync(users: "user_id,email,first_name,last_name\n1,a@x.com,A,A\n2,b@x.com,B,B\n")
        #expect(report.counts.added == 2)
    }

    @Test func attributesAreStoredOnlyWhenEnabled() throws {
        let space = try Workspace()
        let users = """
            user_id,email,first_name,last_name,job_title,work_address_locality,employment_start_date
            1,a@x.com,A,A,"Director, Sales",Berlin,2020-02-29
            """
        try space.sync(users: users, attributes: try AttributeSelection(parsing: "job_title"))
        #expect(try space.member("1", "job_title") == "Director, Sales")
        #expect(try space.member("1", "city") == nil)
        #expect(try space.member("1", "employment_start_date") == nil)
        let report = try space.sync(users: users, attributes: .all)
        #expect(report.counts.updated == 1)
        #expect(try space.member("1", "city") == "Berlin")
        #expect(try space.member("1", "employment_start_date") == "2020-02-29")
        let off = try space.sync(users: users, attributes: .none)
        #expect(off.counts.updated == 1)
        #expect(try space.member("1", "job_title") == nil, "a disabled attribute is never kept in the database")
    }

    @Test func directoriesAreIndependent() throws {
        let space = try Workspace()
        try space.sync("acme", users: usersCSV(["1:a@x.com:A:A", "2:b@x.com:B:B"]))
        try space.sync("beta", users: usersCSV(["1:shared@x.com:S:S", "9:B@x.com:Bee:Bee"]))
        try space.sync("acme", users: usersCSV(["1:a@x.com:A:A"]))
        #expect(try space.export() == ["a@x.com,A,A,,acme", "B@x.com,Bee,Bee,,beta", "shared@x.com,S,S,,beta"])
        #expect(try space.export(directory: "beta").count == 2)
    }

    @Test func personInTwoDirectoriesIsOneRecipientNamedByTheFirstDirectory() throws {
        let space = try Workspace()
        try space.sync("zeta", users: usersCSV(["7:Pat@X.com:Patricia:Zeta"]), groups: "user_id,group_name\n7,Z\n")
        try space.sync("alpha", users: usersCSV(["1:pat@x.com:Pat:Alpha"]), groups: "user_id,group_name\n1,A\n")
        #expect(try space.export() == ["pat@x.com,Pat,Alpha,A;Z,alpha;zeta"])
    }

    @Test func dryRunWritesNothing() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(["1:a@x.com:A:A"]))
        let before = try space.dump()
        let historyBefore = try space.store.history().count
        let report = try space.sync(users: usersCSV(["2:b@x.com:B:B"]), dryRun: true)
        #expect(report.outcome == .dryRun)
        #expect(report.counts.added == 1 && report.counts.removed == 1)
        #expect(report.removalSample == [RemovedMember(userID: "1", email: "a@x.com")])
        #expect(try space.dump() == before)
        #expect(try space.store.history().count == historyBefore)
    }
}
