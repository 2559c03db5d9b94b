import GRDB

/// One recipient of the effective audience: one per distinct email, case-insensitive.
public struct Recipient: Sendable, Equatable, Codable {
    public var email: String
    public var firstName: String
    public var lastName: String
    /// Group names, sorted.
    public var groups: [String]
    /// Directory IDs and `list:NAME` entries, sorted.
    public var sources: [String]

    enum CodingKeys: String, CodingKey {
        case email
        case firstName = "first_name"
        case lastName = "last_name"
        case groups
        case sources
    }
}

/// Reads the effective audience: active directory members and manual recipients, merged by email.
///
/// Streams rows ordered by email key from SQLite and merges neighbours, so memory stays flat
/// whatever the audience size. Names come from a directory member before a list, and among
/// directories from the alphabetically first directory ID.
public struct AudienceExporter {
    let store: AudienceStore

    public init(store: AudienceStore) {
        self.store = store
    }

    /// Calls `body` for every recipient, sorted by lowercased email.
    ///
    /// - Parameters:
    ///   - directory: only this directory's members (manual lists are then left out).
    ///   - body: receives each recipient.
    /// - Throws: `StoreError`, or what `body` throws.
    public func forEachRecipient(directory: String? = nil, _ body: (Recipient) throws -> Void) throws {
        let groupSeparator = "\u{1f}"
        var sql = """
            SELECT m.email_key, m.email, m.first_name, m.last_name, 0 AS kind, m.directory AS source,
                (SELECT group_concat(g.name, char(31)) FROM memberships ms JOIN groups g ON g.id = ms.group_id
                 WHERE ms.member_id = m.id) AS group_names
            FROM members m
            """
        var arguments: StatementArguments = []
        if let directory {
            sql += " WHERE m.directory = ?"
            arguments = [directory]
        } else {
            sql += """
                 UNION ALL
                SELECT r.email_key, r.email, r.first_name, r.last_name, 1, 'list:' || l.name, NULL
                FROM list_recipients r JOIN lists l ON l.id = r.list_id
                """
        }
        sql += " ORDER BY 1, 5, 6"
        try store.read("exporting the audience") { db in
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            var current: (key: String, recipient: Recipient, groups: Set<String>, sources: Set<String>)?
            func flush() throws {
                guard var done = current else { return }
                done.recipient.groups = done.groups.sorted()
                done.recipient.sources = done.sources.sorted()
                try body(done.recipient)
            }
            while let row = try cursor.next() {
                let key: String = row[0]
                let source: String = row[5]
                let names: String? = row[6]
                let groups = names.map { $0.split(separator: Character(groupSeparator)).map(String.init) } ?? []
                if current?.key == key {
                    current!.sources.insert(source)
                    current!.groups.formUnion(groups)
                } else {
                    try flush()
                    current = (
                        key, Recipient(email: row[1], firstName: row[2], lastName: row[3], groups: [], sources: []),
                        Set(groups), [source]
                    )
                }
            }
            try flush()
        }
    }
}
