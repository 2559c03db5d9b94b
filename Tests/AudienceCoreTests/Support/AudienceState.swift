import AudienceCore
import Foundation
import GRDB

/// The audience held in a database, keyed by what a person can see (directory, user_id, group
/// key, email) rather than by row ids, so two databases that reached the same audience by
/// different histories compare equal.
struct AudienceState: Equatable {
    struct Member: Equatable, CustomStringConvertible {
        var email: String
        var emailKey: String
        var first: String
        var last: String
        /// Non-NULL attribute columns.
        var attributes: [String: String]
        /// `key_hi key_lo content_hash`; nil in states built by the model, which cannot know them.
        var hashes: String?

        var description: String {
            "\(email.debugDescription) key=\(emailKey.debugDescription) \(first.debugDescription) "
                + "\(last.debugDescription) \(attributes.sorted { $0.key < $1.key }) \(hashes ?? "-")"
        }
    }

    /// By `directory␟user_id`.
    var members: [String: Member] = [:]
    /// Group name by `directory␟group_key`.
    var groups: [String: String] = [:]
    /// `directory␟user_id␟group_key`.
    var memberships: Set<String> = []
    /// Manual list rows, `name␟file_sha256␟email␟email_key␟first␟last`, sorted.
    var lists: [String] = []

    static let separator = "\u{241F}"

    static func key(_ parts: String...) -> String { parts.joined(separator: separator) }

    /// Reads every audience table of the database.
    static func read(_ queue: DatabaseQueue) throws -> AudienceState {
        try queue.read { db in
            var state = AudienceState()
            // Columns by position: GRDB's lookup by name folds case on every access, the cost of this loop.
            let attributeColumns = Attribute.allCases.map(\.rawValue)
            let sql = """
                SELECT directory, user_id, email, email_key, first_name, last_name, key_hi, key_lo, content_hash,
                    \(attributeColumns.joined(separator: ", ")) FROM members
                """
            for row in try Row.fetchAll(db, sql: sql) {
                var attributes: [String: String] = [:]
                for (offset, name) in attributeColumns.enumerated() {
                    if let value: String = row[9 + offset] { attributes[name] = value }
                }
                let hashes = "\(row[6] as Int64) \(row[7] as Int64) \(row[8] as Int64)"
                state.members[key(row[0], row[1])] = Member(
                    email: row[2], emailKey: row[3], first: row[4], last: row[5], attributes: attributes, hashes: hashes)
            }
            for row in try Row.fetchAll(db, sql: "SELECT directory, group_key, name FROM groups") {
                state.groups[key(row[0], row[1])] = row[2]
            }
            // An inner join would hide a dangling membership; every pair must name a live member and group.
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT m.directory, m.user_id, g.directory, g.group_key FROM memberships ms
                    LEFT JOIN members m ON m.id = ms.member_id LEFT JOIN groups g ON g.id = ms.group_id
                    """)
            {
                let memberDirectory: String? = row[0]
                let groupDirectory: String? = row[2]
                let user: String? = row[1]
                let group: String? = row[3]
                let consistent = memberDirectory != nil && memberDirectory == groupDirectory
                state.memberships.insert(
                    consistent
                        ? key(memberDirectory!, user!, group!)
                        : "DANGLING \(memberDirectory ?? "nil") \(user ?? "nil") \(groupDirectory ?? "nil") \(group ?? "nil")")
            }
            state.lists = try readLists(db)
            return state
        }
    }

    /// Manual list rows only: what a directory sync must never change.
    static func readLists(_ db: Database) throws -> [String] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT l.name, l.file_sha256, r.email, r.email_key, r.first_name, r.last_name
                FROM list_recipients r JOIN lists l ON l.id = r.list_id
                """
        ).map { key($0[0], $0[1], $0[2], $0[3], $0[4], $0[5]) }.sorted()
    }

    /// The same state without the hashes, to compare with the model.
    var withoutHashes: AudienceState {
        var copy = self
        for key in copy.members.keys { copy.members[key]!.hashes = nil }
        return copy
    }

    /// The first few differences, readable in a failure message.
    func differences(from expected: AudienceState, limit: Int = 6) -> String {
        var lines: [String] = []
        for key in Set(members.keys).union(expected.members.keys).sorted() where members[key] != expected.members[key] {
            lines.append("member \(key): got \(members[key]?.description ?? "none"), expected \(expected.members[key]?.description ?? "none")")
        }
        for key in Set(groups.keys).union(expected.groups.keys).sorted() where groups[key] != expected.groups[key] {
            lines.append("group \(key): got \(groups[key] ?? "none"), expected \(expected.groups[key] ?? "none")")
        }
        for pair in memberships.subtracting(expected.memberships).sorted() { lines.append("extra membership \(pair)") }
        for pair in expected.memberships.subtracting(memberships).sorted() { lines.append("missing membership \(pair)") }
        if lists != expected.lists { lines.append("lists differ: \(lists) vs \(expected.lists)") }
        return lines.prefix(limit).joined(separator: "\n") + (lines.count > limit ? "\n... \(lines.count - limit) more" : "")
    }
}

/// The effective audience as the `export` command prints it, one line per recipient.
func exportLines(_ store: AudienceStore) throws -> [String] {
    var lines: [String] = []
    try AudienceExporter(store: store).forEachRecipient { recipient in
        lines.append(
            [recipient.email, recipient.firstName, recipient.lastName, recipient.groups.joined(separator: ";"),
             recipient.sources.joined(separator: ";")].map { $0.debugDescription }.joined(separator: ","))
    }
    return lines
}

/// The first line where two exports differ, for a failure message.
func firstDifference(_ lhs: [String], _ rhs: [String]) -> String {
    for index in 0..<max(lhs.count, rhs.count) where lhs.indices.contains(index) != rhs.indices.contains(index)
        || (lhs.indices.contains(index) && lhs[index] != rhs[index])
    {
        return "line \(index + 1): \(lhs.indices.contains(index) ? lhs[index] : "(none)") vs "
            + "\(rhs.indices.contains(index) ? rhs[index] : "(none)")"
    }
    return "none"
}
