import AudienceCSV
import Foundation

/// The result of reading and validating `users.csv`.
struct UsersSnapshot {
    var file: String
    var layout: FileLayout
    /// One entry per data row, in file order.
    var rows: [UserRow]
    /// Row index by `user_id` hash (the first row, for duplicated ids).
    var index: KeyIndex
    var rejections: RejectionLog
    var activeCount: Int
    var inactiveCount: Int
    /// Rejected rows whose user_id is unknown, or that span several lines (and may hide rows).
    /// While there are any, members missing from the file are kept: a rejected row never removes anybody.
    var unidentifiedRejects: Int
}

/// Pass one over `users.csv`: parse, validate every row, and keep only compact per-row state.
struct UsersScanner {
    var attributes: AttributeSelection
    var csvOptions: CSVOptions
    /// Hash each row's content for the diff; `validate` needs no diff and skips it.
    var hashContent = true

    /// Reads and validates the file.
    ///
    /// - Throws: `ValidationError` for file-level problems (CSV errors, header problems, no rows).
    func scan(path: String, file: String) throws -> UsersSnapshot {
        let reader: CSVReader
        do { reader = try CSVReader(path: path, displayName: file, options: csvOptions) } catch {
            throw ValidationError.csv(error)
        }
        // A class, so the per-row call borrows the layout and columns instead of copying them
        // (a copy retains their arrays: measurable at a million rows).
        var checker: UserRowChecker?
        var rows: [UserRow] = []
        // Reserve generously (untouched pages cost no memory) so a million rows are never re-copied.
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        rows.reserveCapacity(max(16, size / 64))
        // A guess on the low side (rows of 256 bytes): a table too small grows on the indexing
        // thread; one too large would cost peak memory for nothing.
        let indexer = RowIndexBuilder(expectedRows: size / 256)
        var handedOver = 0
        var rejections = RejectionLog()
        var unidentified = 0
        do {
            try reader.forEachRecord { record in
                if let checker {
                    rows.append(checker.check(record, rejections: &rejections, unidentified: &unidentified))
                    if rows.count - handedOver == 16_384 {
                        indexer.add(rows[handedOver...], base: handedOver)
                        handedOver = rows.count
                    }
                } else {
                    let header = try FileLayout.users(header: record, file: file)
                    checker = UserRowChecker(
                        layout: header, columns: UserColumns(layout: header, attributes: attributes), file: file,
                        hashContent: hashContent)
                }
            }
        } catch let error as CSVError {
            _ = indexer.finish()
            throw ValidationError.csv(error)
        } catch {
            _ = indexer.finish()
            throw error
        }
        indexer.add(rows[handedOver...], base: handedOver)
        let indexes = indexer.finish()
        guard let checker else { throw ValidationError.emptyFile(file: file) }
        guard !rows.isEmpty else { throw ValidationError.noDataRows(file: file) }
        let columns = checker.columns
        var snapshot = UsersSnapshot(
            file: file, layout: checker.layout, rows: rows, index: KeyIndex(), rejections: rejections, activeCount: 0,
            inactiveCount: 0, unidentifiedRejects: unidentified)
        Self.rejectDuplicates(&snapshot, indexes: indexes, userIDColumn: columns.userID, emailColumn: columns.email)
        return snapshot
    }

    /// Rejects every row of a duplicated `user_id`, then both rows of an email shared by two active users.
    static func rejectDuplicates(
        _ snapshot: inout UsersSnapshot, indexes: RowIndexBuilder.Result, userIDColumn: Int, emailColumn: Int
    ) {
        let index = indexes.index
        let duplicated = indexes.duplicated
        var emailClash = indexes.emailClashes
        for position in Set(duplicated).sorted() where snapshot.rows[Int(position)].status != .rejected {
            let first = snapshot.rows[Int(index[snapshot.rows[Int(position)].key]!)].line
            snapshot.rows[Int(position)].status = .rejected
            snapshot.rejections.append(
                Rejection(
                    file: snapshot.file, line: Int(snapshot.rows[Int(position)].line), column: userIDColumn + 1,
                    reason: "user_id appears on more than one row (first on line \(first)); all its rows are rejected"))
        }
        if !duplicated.isEmpty {
            // Rows of a repeated user_id are no longer active: find email clashes without them.
            emailClash = Self.emailIndex(snapshot.rows).1
        }
        for (first, later) in emailClash {
            for (position, other) in [(Int(first), Int(later)), (Int(later), Int(first))]
            where snapshot.rows[position].status == .active {
                snapshot.rows[position].status = .rejected
                snapshot.rejections.append(
                    Rejection(
                        file: snapshot.file, line: Int(snapshot.rows[position].line), column: emailColumn + 1,
                        reason: "email is also used by another user_id (line \(snapshot.rows[other].line)); both rows are rejected"))
            }
        }
        snapshot.index = index
        snapshot.rejections.sortByLine()
        snapshot.activeCount = snapshot.rows.lazy.filter { $0.status == .active }.count
        snapshot.inactiveCount = snapshot.rows.lazy.filter { $0.status == .inactive }.count
    }
}

/// Validates the rows of one `users.csv` against its header.
final class UserRowChecker {
    let layout: FileLayout
    let columns: UserColumns
    let file: String
    let hashContent: Bool

    init(layout: FileLayout, columns: UserColumns, file: String, hashContent: Bool) {
        self.layout = layout
        self.columns = columns
        self.file = file
        self.hashContent = hashContent
    }

    /// Validates one data row and reduces it to hashes.
    func check(_ record: borrowing CSVRecord, rejections: inout RejectionLog, unidentified: inout Int) -> UserRow {
        var row = UserRow(
            key: Hash128(high: 0, low: 0), email: Hash128(high: 0, low: 0), content: 0, line: Int32(clamping: record.line),
            status: .rejected)
        // The key is taken first, even from a malformed row, so that a rejected row protects its member.
        if columns.userID < record.count, !record.withField(columns.userID, { FieldRules.trimmed($0).isEmpty }) {
            row.key = record.withField(columns.userID) { Hasher128.hash(FieldRules.trimmed($0)) }
        }
        func reject(_ column: Int?, _ reason: String) -> UserRow {
            rejections.append(Rejection(file: file, line: record.line, column: column.map { $0 + 1 }, reason: reason))
            if row.key == Hash128(high: 0, low: 0) || record.spansLines { unidentified += 1 }
            return row
        }
        if record.count != layout.width {
            return reject(nil, layout.widthMismatch(fields: record.count))
        }
        if let issue = record.issue { return reject(issue.column - 1, issue.reason) }
        for column in columns.required {
            if record.withField(column, { FieldRules.trimmed($0).isEmpty }) {
                return reject(column, "\(layout.label(column)) is empty but required")
            }
        }
        var state = FieldRules.State.active
        if let stateColumn = columns.state {
            guard let parsed = record.withField(stateColumn, { FieldRules.state($0) }) else {
                return reject(
                    stateColumn,
                    "\(layout.label(stateColumn)) is not a known state (active, inactive, suspended, ...)")
            }
            state = parsed
        }
        if let problem = record.withField(columns.email, { FieldRules.emailProblem($0) }) {
            return reject(columns.email, problem)
        }
        if let dateColumn = columns.startDate,
            !record.withField(dateColumn, { FieldRules.trimmed($0).isEmpty || FieldRules.isISODate($0) })
        {
            return reject(dateColumn, "\(layout.label(dateColumn)) is not an ISO 8601 date (YYYY-MM-DD)")
        }
        row.email = record.withField(columns.email) { FieldRules.emailKeyHash($0) }
        if hashContent { row.content = columns.contentHash(of: record) }
        row.status = state == .active ? .active : .inactive
        return row
    }

}

extension UsersScanner {
    /// Indexes the emails of active rows; returns the index and every (first, later) clash.
    static func emailIndex(_ rows: [UserRow]) -> (KeyIndex, [(Int32, Int32)]) {
        var emails = KeyIndex(minimumCapacity: rows.count)
        var clashes: [(Int32, Int32)] = []
        for position in rows.indices where rows[position].status == .active {
            if let first = emails.insertIfAbsent(rows[position].email, Int32(position)) {
                clashes.append((first, Int32(position)))
            }
        }
        return (emails, clashes)
    }
}

extension CSVRecord {
    /// Whether any field holds a line break: a rejected row like that may have swallowed other rows.
    var spansLines: Bool {
        for column in 0..<count where withField(column, { $0.contains(0x0a) || $0.contains(0x0d) }) {
            return true
        }
        return false
    }
}

extension CSVRecordIssue {
    var column: Int {
        switch self {
        case .bareQuote(let column), .textAfterClosingQuote(let column): return column
        }
    }

    var reason: String {
        switch self {
        case .bareQuote: return "a quote appears inside an unquoted field (quote the whole field and double the quote)"
        case .textAfterClosingQuote: return "text follows the closing quote of a quoted field"
        }
    }
}
