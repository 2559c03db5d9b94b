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
        let stream = MemberRowStream(
            path: path, snapshot: snapshot, actions: diff.actions, attributes: attributes, options: csvOptions)
        do {
            while let batch = try stream.next() {
                try batch.bytes.withUnsafeBufferPointer { bytes in
                    for row in batch.actions.indices {
                        let action = batch.actions[row]
                        let statement = action > 0 ? insert : update
                        let fields = row * MemberRowStream.fieldsPerRow
                        func bindField(_ index: Int) {
                            let (start, count) = batch.fields[fields + index]
                            if count < 0 {
                                statement.bindNull()
                            } else {
                                statement.bind(UnsafeBufferPointer(rebasing: bytes[Int(start)..<Int(start + count)]))
                            }
                        }
                        if action > 0 { statement.bind(action) }
                        statement.bind(directory)
                        bindField(0)
                        statement.bind(Int64(bitPattern: batch.keys[row].high))
                        statement.bind(Int64(bitPattern: batch.keys[row].low))
                        statement.bind(Int64(bitPattern: batch.contents[row]))
                        for index in 1..<MemberRowStream.fieldsPerRow { bindField(index) }
                        if action < 0 { statement.bind(-action) }
                        try statement.step()
                    }
                }
            }
        } catch {
            stream.cancel()
            throw error
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
