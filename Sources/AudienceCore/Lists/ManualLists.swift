import AudienceCSV
import Foundation
import GRDB

/// Manually imported recipient lists: a second source beside directories, never touched by a sync.
public struct ManualLists {
    let store: AudienceStore

    public init(store: AudienceStore) {
        self.store = store
    }

    /// The outcome of importing a list.
    public struct ImportResult: Sendable {
        public var name: String
        public var recipients: Int
        public var replaced: Int
        public var rejections: RejectionLog
    }

    /// Imports a list from a CSV (`email` required; `first_name`, `last_name` optional), replacing an
    /// earlier list of that name in one transaction.
    ///
    /// Invalid emails are rejected row by row; a repeated email (case-insensitive) keeps the first row.
    /// - Throws: `ValidationError` for file-level problems (nothing changes), `StoreError`.
    public func importList(name: String, path: String, rejectLimit: RejectLimit = RejectLimit()) throws -> ImportResult {
        let file = (path as NSString).lastPathComponent
        let fingerprint = try FileDigest.fingerprint(path: path, role: "list", name: file)
        let reader: CSVReader
        do { reader = try CSVReader(path: path, displayName: file) } catch { throw ValidationError.csv(error) }
        var layout: FileLayout?
        var rows: [(email: String, key: String, first: String, last: String)] = []
        var seen: Set<String> = []
        var rejections = RejectionLog()
        var dataRows = 0
        do {
            try reader.forEachRecord { record in
                guard let current = layout else {
                    layout = try FileLayout(
                        header: record, file: file, known: ["email", "first_name", "last_name"], required: ["email"])
                    return
                }
                dataRows += 1
                let email = current["email"]!
                if record.count != current.width {
                    rejections.append(
                        Rejection(
                            file: file, line: record.line, column: nil, reason: current.widthMismatch(fields: record.count)))
                    return
                }
                if let problem = record.withField(email, { FieldRules.emailProblem($0) }) {
                    rejections.append(Rejection(file: file, line: record.line, column: email + 1, reason: problem))
                    return
                }
                let key = record.withField(email) { FieldRules.emailKey($0) }
                guard seen.insert(key).inserted else { return }
                func text(_ column: Int?) -> String {
                    column.map { record.string($0).trimmingCharacters(in: .whitespaces) } ?? ""
                }
                rows.append((text(email), key, text(current["first_name"]), text(current["last_name"])))
            }
        } catch let error as CSVError {
            throw ValidationError.csv(error)
        }
        guard layout != nil else { throw ValidationError.emptyFile(file: file) }
        guard dataRows > 0 else { throw ValidationError.noDataRows(file: file) }
        if rejectLimit.exceeded(rejected: rejections.count, rows: dataRows) {
            throw ValidationError.tooManyRejects(
                file: file, rejected: rejections.count, rows: dataRows, maxPercent: rejectLimit.maxPercent)
        }
        let replaced = try store.write("importing the list") { db -> Int in
            let old = try Int64.fetchOne(db, sql: "SELECT id FROM lists WHERE name = ?", arguments: [name])
            var replaced = 0
            if let old {
                replaced = try Int.fetchOne(db, sql: "SELECT count(*) FROM list_recipients WHERE list_id = ?", arguments: [old]) ?? 0
                try db.execute(sql: "DELETE FROM list_recipients WHERE list_id = ?", arguments: [old])
                try db.execute(sql: "DELETE FROM lists WHERE id = ?", arguments: [old])
            }
            try db.execute(
                sql: "INSERT INTO lists (name, imported_at, file_sha256) VALUES (?, ?, ?)",
                arguments: [name, Timestamp.rfc3339(Date()), fingerprint.sha256])
            let id = db.lastInsertedRowID
            let insert = try db.makeStatement(
                sql: "INSERT INTO list_recipients (list_id, email, email_key, first_name, last_name) VALUES (?, ?, ?, ?, ?)")
            for row in rows {
                try insert.execute(arguments: [id, row.email, row.key, row.first, row.last])
            }
            return replaced
        }
        rejections.sortByLine()
        return ImportResult(name: name, recipients: rows.count, replaced: replaced, rejections: rejections)
    }

    /// Deletes a list and its recipients; directory members are untouched.
    ///
    /// - Returns: the number of recipients removed.
    /// - Throws: `StoreError.notFound` when there is no such list.
    @discardableResult
    public func delete(name: String) throws -> Int {
        try store.write("deleting the list") { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM lists WHERE name = ?", arguments: [name]) else {
                throw StoreError.notFound(what: "list '\(name)'")
            }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM list_recipients WHERE list_id = ?", arguments: [id]) ?? 0
            try db.execute(sql: "DELETE FROM list_recipients WHERE list_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM lists WHERE id = ?", arguments: [id])
            return count
        }
    }
}
