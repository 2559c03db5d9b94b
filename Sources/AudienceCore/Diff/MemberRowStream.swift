import AudienceCSV
import Foundation

/// The member rows a plan writes, read from `users.csv` on a second thread in batches.
///
/// Parsing, re-hashing and copying the fields happen beside SQLite's inserts instead of before
/// each one: at a million rows that takes the parse off the write path. Each row written is
/// re-hashed and must match what validation saw, so a file that changed between the passes
/// aborts the transaction instead of writing unvalidated data. The queue holds at most a few
/// batches, so memory stays bounded.
final class MemberRowStream: @unchecked Sendable {
    /// Field text of up to 2,048 rows in one flat buffer; a field is a (start, count) pair, count -1 for NULL.
    struct Batch {
        /// Per row: > 0 insert with this id, < 0 update member `-value`.
        var actions: [Int64] = []
        var keys: [Hash128] = []
        var contents: [UInt64] = []
        var bytes: [UInt8] = []
        /// Per row: `fieldsPerRow` (start, count) pairs: user_id, email, email_key, first, last, attributes.
        var fields: [(Int32, Int32)] = []
    }

    static let batchRows = 2048
    static let fieldsPerRow = 5 + Attribute.allCases.count

    private let lock = NSCondition()
    private var queue: [Batch] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false

    /// Starts reading `path` at once.
    init(path: String, snapshot: UsersSnapshot, actions: [Int64], attributes: AttributeSelection, options: CSVOptions) {
        let columns = UserColumns(layout: snapshot.layout, attributes: attributes)
        let attributeColumns: [Int?] = Attribute.allCases.map { attribute in
            columns.stored.first(where: { $0.attribute == attribute })?.column ?? nil
        }
        Thread.detachNewThread { [self] in
            do {
                try produce(path: path, snapshot: snapshot, actions: actions, columns: columns,
                    attributeColumns: attributeColumns, options: options)
                finish(nil)
            } catch {
                finish(error)
            }
        }
    }

    /// The next batch, or nil at the end. Rethrows the reader's error.
    func next() throws -> Batch? {
        lock.lock()
        defer { lock.unlock() }
        while queue.isEmpty && !finished { lock.wait() }
        if let failure { throw failure }
        if queue.isEmpty { return nil }
        let batch = queue.removeFirst()
        lock.broadcast()
        return batch
    }

    /// Stops the reader (after a write failed) and waits until it has let go of the file.
    func cancel() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        while !finished { lock.wait() }
        lock.unlock()
    }

    private func push(_ batch: Batch) throws {
        lock.lock()
        defer { lock.unlock() }
        while queue.count >= 4 && !cancelled { lock.wait() }
        if cancelled { throw CancellationError() }
        queue.append(batch)
        lock.broadcast()
    }

    private func finish(_ error: (any Error)?) {
        lock.lock()
        if failure == nil, !(error is CancellationError) { failure = error }
        finished = true
        lock.broadcast()
        lock.unlock()
    }

    private func produce(
        path: String, snapshot: UsersSnapshot, actions: [Int64], columns: UserColumns, attributeColumns: [Int?],
        options: CSVOptions
    ) throws {
        let reader: CSVReader
        do { reader = try CSVReader(path: path, displayName: snapshot.file, options: options) } catch {
            throw ValidationError.csv(error)
        }
        var batch = Batch()
        var position = -1
        do {
            try reader.forEachRecord { record in
                defer { position += 1 }
                guard position >= 0 else { return }  // the header
                guard position < actions.count else { throw StoreError.inputChanged(file: snapshot.file, line: record.line) }
                let action = actions[position]
                guard action != 0 else { return }
                let row = snapshot.rows[position]
                guard record.count == snapshot.layout.width,
                    Hasher128.hash(FieldRules.trimmed(record.fieldBytes(columns.userID))) == row.key,
                    columns.contentHash(of: record) == row.content
                else { throw StoreError.inputChanged(file: snapshot.file, line: record.line) }
                batch.actions.append(action)
                batch.keys.append(row.key)
                batch.contents.append(row.content)
                Self.append(FieldRules.trimmed(record.fieldBytes(columns.userID)), to: &batch)
                Self.append(FieldRules.trimmed(record.fieldBytes(columns.email)), to: &batch)
                var key = FieldRules.emailKey(record.fieldBytes(columns.email))
                key.withUTF8 { Self.append($0, to: &batch) }
                Self.append(FieldRules.trimmed(record.fieldBytes(columns.firstName)), to: &batch)
                Self.append(FieldRules.trimmed(record.fieldBytes(columns.lastName)), to: &batch)
                for column in attributeColumns {
                    let value = column.map { FieldRules.trimmed(record.fieldBytes($0)) }
                    if let value, !value.isEmpty { Self.append(value, to: &batch) } else { batch.fields.append((0, -1)) }
                }
                if batch.actions.count == Self.batchRows {
                    try push(batch)
                    batch = Batch()
                }
            }
        } catch let error as CSVError {
            throw ValidationError.csv(error)
        }
        guard position == actions.count else { throw StoreError.inputChanged(file: snapshot.file, line: 0) }
        if !batch.actions.isEmpty { try push(batch) }
    }

    private static func append(_ value: UnsafeBufferPointer<UInt8>, to batch: inout Batch) {
        batch.fields.append((Int32(batch.bytes.count), Int32(value.count)))
        batch.bytes.append(contentsOf: value)
    }
}
