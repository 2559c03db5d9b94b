import Foundation

/// Builds the `user_id` and email indexes on a second core while the parser is still reading.
///
/// The scanner hands over each block of validated rows as it completes; the worker inserts them
/// into both open-addressing tables (random memory access, the costliest part of duplicate
/// detection) and records every duplicate it meets. The email index covers rows active at hand-over
/// time; `UsersScanner.rejectDuplicates` rebuilds it in the rare case a duplicated `user_id`
/// deactivates rows afterwards.
final class RowIndexBuilder: @unchecked Sendable {
    struct Result {
        var index: KeyIndex
        /// Every position involved in a repeated user_id (first and later rows).
        var duplicated: [Int32]
        var emails: KeyIndex
        /// (first, later) positions of active rows sharing an email.
        var emailClashes: [(Int32, Int32)]
    }

    private let condition = NSCondition()
    private var batches: [(base: Int, rows: [UserRow])] = []
    private var closed = false
    private var result: Result?

    init(expectedRows: Int) {
        let capacity = max(16, expectedRows)
        Thread.detachNewThread { [self] in
            var built = Result(
                index: KeyIndex(minimumCapacity: capacity), duplicated: [],
                emails: KeyIndex(minimumCapacity: capacity), emailClashes: [])
            let none = Hash128(high: 0, low: 0)
            while let (base, rows) = nextBatch() {
                for (offset, row) in rows.enumerated() {
                    let position = Int32(base + offset)
                    if row.key != none, let first = built.index.insertIfAbsent(row.key, position) {
                        built.duplicated.append(first)
                        built.duplicated.append(position)
                    }
                    if row.status == .active, let first = built.emails.insertIfAbsent(row.email, position) {
                        built.emailClashes.append((first, position))
                    }
                }
            }
            condition.lock()
            result = built
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Hands over rows `base..<base + rows.count` (a copy; the caller keeps appending to its array).
    func add(_ rows: ArraySlice<UserRow>, base: Int) {
        condition.lock()
        batches.append((base, Array(rows)))
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every row handed over is indexed.
    func finish() -> Result {
        condition.lock()
        closed = true
        condition.broadcast()
        while result == nil { condition.wait() }
        let done = result!
        condition.unlock()
        return done
    }

    private func nextBatch() -> (Int, [UserRow])? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !closed { condition.wait() }
        if batches.isEmpty { return nil }
        return batches.removeFirst()
    }
}
