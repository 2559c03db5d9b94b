import Foundation

extension BadInput {
    static let fieldCases: [BadInput] = [
        BadInput(
            id: "formula-hyperlink", summary: "=HYPERLINK(...) in a name: stored and exported as text, never evaluated",
            users: users("u4,u4@x.com,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",D\n"), status: 0,
            message: "1 added, 0 updated, 0 removed, 3 unchanged, 0 rejected",
            export: .contains("\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"")),
        BadInput(
            id: "formula-plus-at", summary: "+cmd and @SUM(...) in names: stored as text",
            users: users("u4,u4@x.com,@SUM(A1:A9),+cmd|' /C calc'!A0\n"), status: 0,
            message: "1 added, 0 updated, 0 removed, 3 unchanged, 0 rejected", export: .contains("@SUM(A1:A9),+cmd|' /C calc'!A0")),
        BadInput(
            id: "formula-in-email", summary: "=HYPERLINK(...) as the email",
            users: users("u4,\"=HYPERLINK(\"\"http://evil.example\"\")@x.com\",D,D\n"), status: 0,
            message: "users.csv:5:2: email contains a character not allowed in an address", export: .lacks("HYPERLINK")),
        BadInput(
            id: "multiline-field", summary: "a quoted name with a line break; later lines keep their numbers",
            users: users("u4,u4@x.com,D,\"Line\nBreak\"\nu5,bad,E,E\n"), status: 0, message: "users.csv:7:2: email has no '@'",
            export: .contains("u4@x.com")),
        BadInput(
            id: "empty-user-id", summary: "an empty user_id", users: users(",u4@x.com,D,D\n"), status: 0,
            message: "users.csv:5:1: column 1 (user_id) is empty but required", export: .lacks("u4@x.com")),
        BadInput(
            id: "whitespace-line", summary: "a line of spaces", users: users("   \n"), status: 0,
            message: "users.csv:5: row has 1 fields but the header has 4"),
        BadInput(
            id: "duplicate-user-id", summary: "the same user_id on two rows",
            users: users("u1,u9@x.com,Z,Z\n"), status: 0,
            message: "users.csv:5:1: user_id appears on more than one row (first on line 2); all its rows are rejected",
            export: .contains("u1@x.com,A,A")),
        BadInput(
            id: "user-id-whitespace", summary: "user_ids differing only by surrounding spaces",
            users: users(" u1 ,u9@x.com,Z,Z\n"), status: 0,
            message: "users.csv:2:1: user_id appears on more than one row (first on line 2)", export: .lacks("u9@x.com")),
    ]

    static let emailCases: [BadInput] = [
        BadInput(
            id: "email-too-long", summary: "a 301-byte email",
            users: users("u4," + String(repeating: "a", count: 60) + "@" + Array(repeating: String(repeating: "b", count: 60), count: 4).joined(separator: ".") + ".com,D,D\n"),
            status: 0, message: "users.csv:5:2: email is longer than 254 bytes", export: .lacks("aaaa")),
        BadInput(
            id: "email-local-65", summary: "a 65-byte local part",
            users: users("u4," + String(repeating: "a", count: 65) + "@x.com,D,D\n"), status: 0,
            message: "users.csv:5:2: email's local part is longer than 64 bytes", export: .lacks("aaaa")),
        BadInput(
            id: "email-label-64", summary: "a 64-byte domain label",
            users: users("u4,u4@" + String(repeating: "b", count: 64) + ".com,D,D\n"), status: 0,
            message: "users.csv:5:2: email's domain has a label longer than 63 bytes", export: .lacks("bbbb")),
        BadInput(
            id: "email-idn", summary: "IDN email (josé@exämple.com): accepted as written",
            users: users("u4,josé@exämple.com,D,D\n"), status: 0, message: "1 added, 0 updated, 0 removed, 3 unchanged",
            export: .contains("josé@exämple.com")),
        BadInput(
            id: "email-punycode", summary: "punycode email (xn--)", users: users("u4,u4@xn--exmple-cua.com,D,D\n"),
            status: 0, message: "1 added", export: .contains("u4@xn--exmple-cua.com")),
        BadInput(
            id: "email-case", summary: "two user_ids whose emails differ only by case",
            users: users("u4,U1@X.COM,D,D\n"), status: 0,
            message: "users.csv:5:2: email is also used by another user_id (line 2); both rows are rejected",
            export: .contains("u1@x.com,A,A")),
        BadInput(
            id: "email-whitespace", summary: "two user_ids whose emails differ only by surrounding spaces",
            users: users("u4, u1@x.com ,D,D\n"), status: 0,
            message: "users.csv:2:2: email is also used by another user_id (line 5); both rows are rejected",
            export: .lacks("u4")),
        BadInput(
            id: "email-two-at", summary: "two '@' in an email", users: users("u4,a@b@x.com,D,D\n"), status: 0,
            message: "users.csv:5:2: email has more than one '@'", export: .lacks("a@b@x.com")),
        BadInput(
            id: "email-space", summary: "a space inside an email", users: users("u4,u 4@x.com,D,D\n"), status: 0,
            message: "users.csv:5:2: email contains a space or control character", export: .lacks("u 4@x.com")),
    ]

    static let groupCases: [BadInput] = [
        BadInput(
            id: "groups-unknown-user", summary: "user_groups.csv names a user_id missing from users.csv",
            users: users(""), groups: text(baseGroups + "ghost,Eng\n"), status: 0,
            message: "user_groups.csv:5:1: user_id is not in users.csv", export: .contains("u1@x.com,A,A,Eng")),
        BadInput(
            id: "groups-catalog-only", summary: "a group named in groups.csv only (no members)",
            users: users(""), groups: text(baseGroups), catalog: text("group_name\nEng\nEmpty\n"), status: 0,
            message: "groups +1 -0", export: .lacks("Empty")),
        BadInput(
            id: "groups-empty-name", summary: "user_groups.csv row with an empty group_name",
            users: users(""), groups: text(baseGroups + "u1,\n"), status: 0, message: "user_groups.csv:5:2: column 2 (group_name) is empty but required"),
        BadInput(
            id: "groups-missing-column", summary: "user_groups.csv without a group column",
            users: users(""), groups: text("user_id,team\nu1,Eng\n"), status: 65,
            message: "user_groups.csv:1: required column 'group_name' is missing"),
        BadInput(
            id: "groups-trailing-delimiter-header", summary: "user_groups.csv with a trailing comma on the header only",
            users: users(""), groups: text("user_id,group_name,\nu1,Eng\nu2,Eng\nu3,Eng\n"), status: 0,
            message: "user_groups.csv:2: row has 2 fields but the header has 3; the header line ends with a comma: remove the trailing comma",
            export: .contains("u1@x.com,A,A,Eng,")),
    ]
}
