import AudienceCore
import Foundation
import Testing

@Suite("Manual lists and the effective audience")
struct ManualListTests {
    @Test func listsAndDirectoriesMergeIntoOneRecipientPerEmail() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(["1:Ann@X.com:Ann:Lee"]), groups: "user_id,group_name\n1,Eng\n")
        let path = try space.write("vip.csv", "email,first_name,last_name\nann@x.com,Annie,L\nzed@y.org,Zed,Z\nbad,,\n")
        let result = try ManualLists(store: space.store).importList(name: "vip", path: path)
        #expect(result.recipients == 2)
        #expect(result.rejections.count == 1)
        #expect(try space.export() == ["Ann@X.com,Ann,Lee,Eng,acme;list:vip", "zed@y.org,Zed,Z,,list:vip"])
    }

    @Test func directorySyncNeverTouchesLists() throws {
        let space = try Workspace()
        let path = try space.write("vip.csv", "email\na@x.com\n")
        try ManualLists(store: space.store).importList(name: "vip", path: path)
        try space.sync(users: usersCSV(manyUsers(1...3) + ["9:a@x.com:A:A"]))
        try space.sync(users: usersCSV(manyUsers(1...3)))
        #expect(try space.export().contains("a@x.com,,,,list:vip"))
    }

    @Test func deletingAListNeverTouchesDirectoryMembers() throws {
        let space = try Workspace()
        try space.sync(users: usersCSV(["1:a@x.com:A:A"]))
        let path = try space.write("vip.csv", "email\nA@x.com\nb@x.com\n")
        let lists = ManualLists(store: space.store)
        try lists.importList(name: "vip", path: path)
        #expect(try lists.delete(name: "vip") == 2)
        #expect(try space.export() == ["a@x.com,A,A,,acme"])
        #expect(throws: StoreError.self) { try lists.delete(name: "vip") }
    }

    @Test func reimportingAListReplacesIt() throws {
        let space = try Workspace()
        let lists = ManualLists(store: space.store)
        try lists.importList(name: "vip", path: try space.write("v1.csv", "email\na@x.com\nb@x.com\n"))
        let result = try lists.importList(name: "vip", path: try space.write("v2.csv", "email\nc@x.com\n"))
        #expect(result.replaced == 2)
        #expect(try space.export() == ["c@x.com,,,,list:vip"])
    }

    @Test func aListWithoutEmailColumnIsRefusedAndTheOldOneStays() throws {
        let space = try Workspace()
        let lists = ManualLists(store: space.store)
        try lists.importList(name: "vip", path: try space.write("v1.csv", "email\na@x.com\n"))
        #expect(throws: ValidationError.self) {
            try lists.importList(name: "vip", path: try space.write("v2.csv", "name\nNobody\n"))
        }
        #expect(try space.export() == ["a@x.com,,,,list:vip"])
    }

    @Test func bundledFixtureExportsExactlyTheExpectedAudience() throws {
        let space = try Workspace()
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
        try DirectorySync(store: space.store).run(
            SyncRequest(
                directory: "acme", usersPath: fixtures.appendingPathComponent("users.csv").path,
                groupsPath: fixtures.appendingPathComponent("user_groups.csv").path,
                catalogPath: fixtures.appendingPathComponent("groups.csv").path))
        let expected = try String(contentsOf: fixtures.appendingPathComponent("expected-export.csv"), encoding: .utf8)
        var lines: [String] = ["email,first_name,last_name,groups,sources"]
        try AudienceExporter(store: space.store).forEachRecipient { recipient in
            lines.append(
                [recipient.email, recipient.firstName, recipient.lastName, recipient.groups.joined(separator: ";"),
                 recipient.sources.joined(separator: ";")].map(csvQuoted).joined(separator: ","))
        }
        #expect(lines.joined(separator: "\n") + "\n" == expected)
    }
}

private func csvQuoted(_ value: String) -> String {
    guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
