import AudienceCore
import Foundation
import Testing

/// A header that ends in a comma (`user_id,email,first_name,last_name,`, as some spreadsheet exports write it)
/// leaves every correctly written row one field short, so every row is rejected although only line 1 is wrong.
/// The rejection must say so, in every file that has a header, and only when the header is what to fix.
@Suite("a trailing comma on the header is named in the rejection", .timeLimit(.minutes(1)))
struct HeaderTrailingCommaTests {
    static let oneComma = "; the header line ends with a comma: remove the trailing comma"
    static let twoCommas = "; the header line ends with 2 commas: remove the trailing commas"

    @Test(arguments: [
        ("user_id,email,first_name,last_name,", "u1,u1@x.com,A,A",
            "row has 4 fields but the header has 5" + oneComma),
        // Blanks after the comma are still an empty column (header names are trimmed).
        ("user_id,email,first_name,last_name, \t", "u1,u1@x.com,A,A",
            "row has 4 fields but the header has 5" + oneComma),
        ("user_id,email,first_name,last_name,,", "u1,u1@x.com,A,A",
            "row has 4 fields but the header has 6" + twoCommas),
        ("user_id,email,first_name,last_name,,", "u1,u1@x.com,A,A,",
            "row has 5 fields but the header has 6" + twoCommas),
        // The row, not the header, is what to fix: no hint.
        ("user_id,email,first_name,last_name", "u1,u1@x.com,A,A,", "row has 5 fields but the header has 4"),
        ("user_id,email,first_name,last_name,", "u1,u1@x.com,A", "row has 3 fields but the header has 5"),
        ("user_id,email,first_name,last_name,", "u1,u1@x.com,A,A,x,y", "row has 6 fields but the header has 5"),
        // An empty column in the middle is not a trailing comma.
        ("user_id,email,,first_name,last_name", "u1,u1@x.com,A,A", "row has 4 fields but the header has 5"),
    ])
    func usersRowNamesTheTrailingCommaOnlyWhenTheHeaderHasIt(header: String, row: String, reason: String) throws {
        let space = try Workspace()
        let report = try space.sync(users: "\(header)\n\(row)\nu2,u2@x.com,B,B\n")
        let rejection = try #require(report.rejections.entries.first)
        #expect(rejection.line == 2)
        #expect(rejection.column == nil)
        #expect(rejection.reason == reason)
        // The operator sees it as file:line: reason, like every other rejection.
        #expect(rejection.description == "\(rejection.file):2: \(reason)")
    }

    @Test func membershipAndCatalogFilesNameTheirTrailingCommaToo() throws {
        let space = try Workspace()
        let report = try space.sync(
            users: usersCSV(["u1:u1@x.com:A:A", "u2:u2@x.com:B:B"]), groups: "user_id,group_name,\nu1,Eng\n",
            catalog: "group_name,\nEng\n")
        let reasons = report.rejections.entries.map(\.description)
        let membership = ":2: row has 2 fields but the header has 3" + Self.oneComma
        let catalog = ":2: row has 1 fields but the header has 2" + Self.oneComma
        #expect(reasons.count == 2, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("groups-") && $0.hasSuffix(membership) }, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("catalog-") && $0.hasSuffix(catalog) }, "\(reasons)")
    }

    @Test func manualListNamesItsTrailingComma() throws {
        let space = try Workspace()
        let path = try space.write("vip.csv", "email,first_name,last_name,\na@x.com,A,A\nb@x.com,B,B,\n")
        let result = try ManualLists(store: space.store).importList(name: "vip", path: path)
        #expect(result.recipients == 1)
        #expect(result.rejections.entries.map(\.description) == [
            "vip.csv:2: row has 3 fields but the header has 4" + Self.oneComma
        ])
    }
}
