import AudienceCSV
import GRDB

/// Writes a computed plan inside the caller's transaction.
///
/// Member rows are read a second time from `users.csv` (the snapshot kept only hashes); each
/// row written is re-hashed and must match what was validated, so a file that changes between
/// the passes aborts the transaction instead of writing unvalidated data.
struct PlanApplier {
    var db: Database
    var storePath: String
    var directory: String
    var csvOptions: CSVOptions

    /// Inserts and updates the members that the plan marks, from `users.csv`.
    func writeMembers(path: String, snapshot: UsersSnapshot, diff: MemberDiff, attributes: AttributeSelection) throws {
        guard diff.added + diff.updated > 0 else { return }
        let stored = Attribute.allCases
        let attributeNames = stored.map(\.rawValue)
        let insert = try BulkStatement(
            db, path: storePath,
            sql: """
                INSERT INTO members (id, directory, user_id, key_hi, key_lo, content_hash, email, email_key,
                    first_name, last_name, \(attributeNames.joined(separator: ", ")))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(Array(repeating: "?", count: stored.count).joined(separator: ", ")))
                """)
        let update = try BulkStatement(
            db, path: storePath,
            sql: """
                UPDATE members SET directory = ?, user_id = ?, key_hi = ?, key_lo = ?, content_hash = ?, email = ?,
                    email_key = ?, first_name = ?, last_name = ?, \(attributeNames.map { "\($0) = ?" }.joined(separator: ", "))
                WHERE id = ?
                """)
        let reader: CSVReader
        do { reader = try CSVReader(path: path, displayName: snapshot.file, options: csvOptions) } catch {
            throw ValidationError.csv(error)
        }
        let columns = UserColumns(layout: snapshot.layout, attributes: attributes)
        // Column of each stored attribute, nil when disabled or absent.
        let attributeColumns: [Int?] = stored.map { attribute in
            columns.stored.first(where: { $0.attribute == attribute })?.column ?? nil
        }
        var position = -1
        do {
            try reader.forEachRecord { record in
                defer { position += 1 }
                guard position >= 0 else { return }  // the header
                guard position < diff.actions.count else {
                    throw StoreError.inputChanged(file: snapshot.file, line: record.line)
                }
                let action = diff.actions[position]
                guard action != 0 else { return }
                let row = snapshot.rows[position]
                let key = record.withField(columns.userID) { Hasher128.hash(FieldRules.trimmed($0)) }
                guard record.count == snapshot.layout.width, key == row.key,
                    columns.contentHash(of: record) == row.content
                else {
                    throw StoreError.inputChanged(file: snapshot.file, line: record.line)
                }
                let statement = action > 0 ? insert : update
                if action > 0 { statement.bind(action) }
                statement.bind(directory)
                record.withField(columns.userID) { statement.bind(FieldRules.trimmed($0)) }
                statement.bind(Int64(bitPattern: key.high))
                statement.bind(Int64(bitPattern: key.low))
                statement.bind(Int64(bitPattern: row.content))
                record.withField(columns.email) { statement.bind(FieldRules.trimmed($0)) }
                statement.bind(record.withField(columns.email) { FieldRules.emailKey($0) })
                record.withField(columns.firstName) { statement.bind(FieldRules.trimmed($0)) }
                record.withField(columns.lastName) { statement.bind(FieldRules.trimmed($0)) }
                for column in attributeColumns {
                    if let column, !record.withField(column, { FieldRules.trimmed($0).isEmpty }) {
                        record.withField(column) { statement.bind(FieldRules.trimmed($0)) }
                    } else {
                        statement.bindNull()
                    }
                }
                if action < 0 { statement.bind(-action) }
                try statement.step()
            }
        } catch let error as CSVError {
            throw ValidationError.csv(error)
        }
        guard position == diff.actions.count else {
            throw StoreError.inputChanged(file: snapshot.file, line: 0)
        }
    }

    /// Deletes removed members and their memberships.
    func removeMembers(_ ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        let members = try BulkStatement(db, path: storePath, sql: "DELETE FROM members WHERE id = ?")
        let memberships = try BulkStatement(db, path: storePath, sql: "DELETE FROM memberships WHERE member_id = ?")
        for id in ids {
            try memberships.run(id)
            try members.run(id)
        }
    }
}
