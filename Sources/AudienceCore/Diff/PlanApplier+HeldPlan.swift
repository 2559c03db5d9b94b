import GRDB

extension PlanApplier {
    /// Stores the plan of a held run in `run_plan`: who would be added, updated and removed.
    ///
    /// Added and updated people are read from `users.csv` a second time, as `writeMembers` does; the
    /// removed ones from the members table. Only identity fields are kept (user_id, email, names).
    func writePlan(runID: Int64, path: String, snapshot: UsersSnapshot, diff: MemberDiff, attributes: AttributeSelection)
        throws
    {
        let insert = try BulkStatement(
            db, path: storePath,
            sql: "INSERT INTO run_plan (run_id, action, user_id, email, first_name, last_name) VALUES (?, ?, ?, ?, ?, ?)")
        if diff.added + diff.updated > 0 {
            let stream = MemberRowStream(
                path: path, snapshot: snapshot, actions: diff.actions, attributes: attributes, options: csvOptions)
            do {
                while let batch = try stream.next() {
                    try batch.bytes.withUnsafeBufferPointer { bytes in
                        for row in batch.actions.indices {
                            insert.bind(runID)
                            insert.bind(batch.actions[row] > 0 ? "add" : "update")
                            // user_id, email, then first and last name (field 2 is the email key).
                            for index in [0, 1, 3, 4] {
                                let (start, count) = batch.fields[row * MemberRowStream.fieldsPerRow + index]
                                insert.bind(UnsafeBufferPointer(rebasing: bytes[Int(start)..<Int(start + max(count, 0))]))
                            }
                            try insert.step()
                        }
                    }
                }
            } catch {
                stream.cancel()
                throw error
            }
        }
        let remove = try BulkStatement(
            db, path: storePath,
            sql: """
                INSERT INTO run_plan (run_id, action, user_id, email, first_name, last_name)
                SELECT ?, 'remove', user_id, email, first_name, last_name FROM members WHERE id = ?
                """)
        for id in diff.removals { try remove.run(runID, id) }
    }
}
