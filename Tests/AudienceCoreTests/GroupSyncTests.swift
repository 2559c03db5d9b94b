import AudienceCore
import Foundation
import Testing

@Suite("Groups and memberships")
struct GroupSyncTests {
    @Test func membershipChangesAreCountedAndApplied() throws {
        let space = try Workspace()
        let users = usersCSV(["1:a@x.com:A:A", "2:b@x.com:B:B"])
        let first = try space.sync(users: users, groups: "user_id,group_name\n1,Eng\n1,Ops\n2,Eng\n")
        #expect(first.counts.groupsAdded == 2)
        #expect(first.counts.membershipsAdded == 3)
        let second = try space.sync(users: users, groups: "user_id,group_name\n1,Eng\n2,Eng\n2,Sales\n")
        #expect(second.counts.groupsAdded == 1)
        #expect(second.counts.groupsRemoved == 1, "Ops has no members left and is not in groups.csv")
        #expect(second.counts.membershipsAdded == 1)
        #expect(second.counts.membershipsRemoved == 1)
        #expect(second.counts.updated == 0, "membership changes are not member updates")
        #expect(try space.export() == ["a@x.com,A,A,Eng,acme", "b@x.com,B,B,Eng;Sales,acme"])
    }

    @Test func duplicateMembershipRowsCountOnce() throws {
        let space = try Workspace()
        let report = try space.sync(users: usersCSV(["1:a@x.com:A:A"]), groups: "user_id,group_name\n1,Eng\n 1 , Eng \n")
        #expect(report.counts.membershipsAdded == 1)
        #expect(report.counts.rejected == 0)
    }

    @Test func catalogDeclaresGroupsWithoutMembers() throws {
        let space = try Workspace()
        let report = try space.sync(
            users: usersCSV(["1:a@x.com:A:A"]), groups: "user_id,group_name\n1,Eng\n",
            catalog: "group_name,description\nEng,Engineers\nAlumni,\"Former staff, all\"\n")
        #expect(report.counts.groupsAdded == 2)
        let again = try space.sync(
            users: usersCSV(["1:a@x.com:A:A"]), groups: "user_id,group_name\n1,Eng\n", catalog: "group_name\nEng\n")
        #expect(again.counts.groupsRemoved == 1)
    }

    @Test func groupIDIsTheKeyAndTheNameMayChange() throws {
        let space = try Workspace()
        let users = usersCSV(["1:a@x.com:A:A"])
        try space.sync(users: users, groups: "user_id,group_id,group_name\n1,g-1,Engineering\n")
        let renamed = try space.sync(users: users, groups: "user_id,group_id,group_name\n1,g-1,Platform Engineering\n")
        #expect(renamed.counts.groupsAdded == 0 && renamed.counts.groupsRemoved == 0)
        #expect(renamed.counts.membershipsAdded == 0)
        #expect(try space.export() == ["a@x.com,A,A,Platform Engineering,acme"])
    }

    @Test func withoutAGroupsFileMembershipsAreLeftAlone() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(["1:a@x.com:A:A", "2:b@x.com:B:B"]), groups: "user_id,group_name\n1,Eng\n2,Eng\n")
        let report = try space.sync(users: usersCSV(["1:a@x.com:A:A"]))
        #expect(report.counts.membershipsRemoved == 1, "only the removed member's membership goes")
        #expect(try space.export() == ["a@x.com,A,A,Eng,acme"])
    }

    @Test func groupsOfDifferentDirectoriesAreSeparate() throws {
        let space = try Workspace()
        try space.sync("acme", users: usersCSV(["1:a@x.com:A:A"]), groups: "user_id,group_name\n1,Eng\n")
        try space.sync("beta", users: usersCSV(["1:b@x.com:B:B"]), groups: "user_id,group_name\n1,Eng\n")
        let report = try space.sync("acme", users: usersCSV(["1:a@x.com:A:A"]), groups: "user_id,group_name\n")
        #expect(report.counts.groupsRemoved == 1)
        #expect(try space.export() == ["a@x.com,A,A,,acme", "b@x.com,B,B,Eng,beta"])
    }

    @Test func membershipsFileMissingGroupColumnIsRefused() throws {
        let space = try Workspace()
        #expect {
            try space.sync(users: usersCSV(["1:a@x.com:A:A"]), groups: "user_id,team\n1,Eng\n")
        } throws: { error in
            (error as? ValidationError)?.description.contains("required column 'group_name' is missing") == true
        }
    }

    /// A rejected user_groups.csv row keeps its person's memberships exactly as stored (as a rejected
    /// users.csv row keeps the person), whatever made it bad; people with good rows are synced as usual.
    @Test(arguments: [
        "1\n",  // too few fields
        "1,Eng,extra\n",  // too many fields
        "1,\n",  // empty group
        "1,\"Eng\"x\n",  // text after a closing quote
    ])
    func aRejectedRowKeepsItsPersonsMemberships(badRow: String) throws {
        let space = try Workspace()
        let users = usersCSV(["1:a@x.com:A:A", "2:b@x.com:B:B", "3:c@x.com:C:C"])
        try space.sync(users: users, groups: "user_id,group_name\n1,Eng\n1,Ops\n2,Eng\n3,Eng\n")

        let report = try space.sync(users: users, groups: "user_id,group_name\n" + badRow + "2,Sales\n")

        #expect(report.counts.rejected == 1)
        #expect(report.counts.membershipsRemoved == 2, "2 leaves Eng, 3 leaves Eng; 1 keeps Eng and Ops")
        #expect(try space.export() == ["a@x.com,A,A,Eng;Ops,acme", "b@x.com,B,B,Sales,acme", "c@x.com,C,C,,acme"])
    }

    /// A rejected row without a user_id could have been anyone's: no membership is removed that run,
    /// while new ones are still added and removed members still lose theirs.
    @Test func aRejectedRowWithoutAUserIDKeepsEveryonesMemberships() throws {
        let space = try Workspace()
        try space.sync(
            users: usersCSV(["1:a@x.com:A:A", "2:b@x.com:B:B", "3:c@x.com:C:C"]),
            groups: "user_id,group_name\n1,Eng\n2,Eng\n3,Eng\n")

        let report = try space.sync(
            users: usersCSV(["1:a@x.com:A:A", "2:b@x.com:B:B"]), groups: "user_id,group_name\n ,Eng\n2,Sales\n")

        #expect(report.counts.rejected == 1)
        #expect(report.counts.removed == 1)
        #expect(try space.export() == ["a@x.com,A,A,Eng,acme", "b@x.com,B,B,Eng;Sales,acme"])
    }
}
