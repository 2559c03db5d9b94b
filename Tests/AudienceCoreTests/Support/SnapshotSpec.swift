import AudienceCore
import Foundation

/// One `users.csv` data row as the generator meant it (values as written, untrimmed).
struct UserSpec {
    var id: String
    var email: String
    var first: String
    var last: String
    /// Ignored when the file has no `state` column.
    var state: String
    var attributes: [Attribute: String] = [:]
    /// A malformed row with one field too many.
    var extraField = false
}

/// One `user_groups.csv` row (or `groups.csv` row, `user` unused).
struct MembershipSpec {
    var user: String
    var key: String
    var name: String
}

/// The files of one snapshot of one directory, and how they are spelled.
struct SnapshotSpec {
    var directory: String
    var users: [UserSpec]
    var hasState: Bool
    /// Attribute columns present in the file (city may be spelled `work_address_locality`).
    var attributeColumns: [Attribute]
    var selection: AttributeSelection
    /// nil: no `user_groups.csv` this run (memberships are left as they are).
    var memberships: [MembershipSpec]?
    /// `user_id,group_id,group_name` instead of `user_id,group_name`.
    var groupsKeyedByID: Bool
    /// `groups.csv`, when present.
    var catalog: [MembershipSpec]?
    /// Spelling choices (column order, header case, quoting, line ends), drawn from this seed.
    var renderSeed: UInt64

    /// The snapshot's files as bytes on disk.
    struct Files {
        var users: String
        var groups: String?
        var catalog: String?
    }

    func render() -> Files {
        var random = SplitMix64(seed: renderSeed)
        let newline = random.chance(30) ? "\r\n" : "\n"
        let quoteAll = random.chance(15)
        func line(_ fields: [String]) -> String {
            fields.map { CSVText.field($0, forceQuotes: quoteAll) }.joined(separator: ",")
        }
        func file(_ lines: [String]) -> String {
            // A missing final line break is legal; the parser must not lose the last row.
            var lines = lines
            // Empty lines are skipped by the reader, wherever they are (but never count as rows).
            if random.chance(10) { lines.insert("", at: random.int(1...lines.count)) }
            return lines.joined(separator: newline) + (random.chance(85) ? newline : "")
        }
        // Columns: (header as spelled, value of a row).
        var columns: [(String, (UserSpec) -> String)] = [
            ("user_id", { $0.id }), ("email", { $0.email }), ("first_name", { $0.first }), ("last_name", { $0.last }),
        ]
        if hasState { columns.append(("state", { $0.state })) }
        for attribute in attributeColumns {
            let header = attribute == .city && random.chance(50) ? "work_address_locality" : attribute.rawValue
            columns.append((header, { $0.attributes[attribute] ?? "" }))
        }
        if random.chance(20) { columns.append(("nickname", { _ in "ignored" })) }
        if random.chance(50) { columns = random.shuffled(columns) }
        let headers = columns.map { name in
            random.chance(20) ? " " + name.0.uppercased() : name.0
        }
        var userLines = [line(headers)]
        for user in users {
            var fields = columns.map { $0.1(user) }
            if user.extraField { fields.append("surplus") }
            userLines.append(line(fields))
        }
        let groups = memberships.map { rows in
            let header = groupsKeyedByID ? ["user_id", "group_id", "group_name"] : ["user_id", "group_name"]
            return file(
                [line(header)]
                    + rows.map { line(groupsKeyedByID ? [$0.user, $0.key, $0.name] : [$0.user, $0.key]) })
        }
        let catalogText = catalog.map { rows in
            let header = groupsKeyedByID ? ["group_id", "group_name", "description"] : ["group_name", "description"]
            return file(
                [line(header)]
                    + rows.map { line(groupsKeyedByID ? [$0.key, $0.name, "about \($0.name)"] : [$0.key, "x"]) })
        }
        return Files(users: file(userLines), groups: groups, catalog: catalogText)
    }
}

/// RFC 4180 spelling of fields, written independently of the parser under test.
enum CSVText {
    static func field(_ value: String, forceQuotes: Bool = false) -> String {
        let special = value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard special || forceQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A manual list as the generator meant it.
struct ListSpec {
    var name: String
    var rows: [(email: String, first: String, last: String)]

    var csv: String {
        (["email,first_name,last_name"] + rows.map { [$0.email, $0.first, $0.last].map { CSVText.field($0) }.joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }
}
