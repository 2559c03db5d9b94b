import GRDB

extension AudienceStore {
    /// Deletes a directory's runs older than its newest `keep`, with their files, rejected rows and plans.
    ///
    /// Two kinds of rows are never deleted, however old: a held run whose plan is still `pending`
    /// (an operator may yet approve it), and a `running` row (a run in progress, or a killed one
    /// that the next run marks `interrupted`). They still count towards the newest `keep`.
    ///
    /// The child rows are deleted explicitly rather than through `ON DELETE CASCADE`, which only
    /// works while `PRAGMA foreign_keys` is on for the connection.
    ///
    /// - Parameters:
    ///   - directory: the directory whose history is pruned.
    ///   - keep: how many of its newest runs to keep; at least 1.
    /// - Returns: the number of runs deleted.
    /// - Throws: `StoreError` when the database cannot be written; nothing is deleted then.
    @discardableResult
    public func pruneHistory(directory: String, keep: Int) throws -> Int {
        precondition(keep >= 1, "keep at least one run")
        return try write("pruning the history") { db in
            // The oldest run to keep: everything with a smaller id is beyond the newest `keep`.
            guard
                let oldestKept = try Int64.fetchOne(
                    db, sql: "SELECT id FROM runs WHERE directory = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
                    arguments: [directory, keep - 1])
            else { return 0 }
            let doomed = """
                SELECT id FROM runs WHERE directory = ? AND id < ? AND outcome != 'running'
                    AND (plan_state IS NULL OR plan_state != 'pending')
                """
            for table in ["run_files", "run_rejects", "run_plan"] {
                try db.execute(
                    sql: "DELETE FROM \(table) WHERE run_id IN (\(doomed))", arguments: [directory, oldestKept])
            }
            try db.execute(sql: "DELETE FROM runs WHERE id IN (\(doomed))", arguments: [directory, oldestKept])
            return db.changesCount
        }
    }
}
