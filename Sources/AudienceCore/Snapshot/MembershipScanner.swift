import AudienceCSV

/// Reads `user_groups.csv` and `groups.csv` against the validated users.
struct MembershipScanner {
    var csvOptions: CSVOptions

    struct Result {
        /// Packed (member, local group) pairs of synced members, sorted and unique.
        var pairs: [UInt64]
        var rejections = RejectionLog()
        var dataRows = 0
        /// Active members named by a rejected row: their memberships stay as they are.
        var protectedMembers: Set<Int64> = []
        /// Rejected rows with no usable user_id: every member's memberships stay as they are.
        var unidentifiedRejects = 0
    }

    /// Reads `user_groups.csv`: every row names a user of `users.csv` and a group.
    ///
    /// Rows of inactive users are skipped (they are not synced); rows naming an unknown user or a
    /// user whose row was rejected are rejected.
    ///
    /// - Throws: `ValidationError` for file-level problems.
    func scanMemberships(
        path: String, file: String, users: UsersSnapshot, memberIDs: [Int64], groups: inout GroupTable
    ) throws -> Result {
        let reader = try Self.open(path: path, file: file, options: csvOptions)
        var result = Result(pairs: [])
        var layout: FileLayout?
        var userColumn = 0
        var keyColumn = 0
        var nameColumn: Int?
        do {
            try reader.forEachRecord { record in
                guard let current = layout else {
                    let header = try FileLayout.memberships(header: record, file: file)
                    layout = header
                    userColumn = header["user_id"]!
                    keyColumn = header["group_id"] ?? header["group_name"]!
                    nameColumn = header["group_name"]
                    return
                }
                result.dataRows += 1
                func reject(_ column: Int?, _ reason: String) {
                    result.rejections.append(
                        Rejection(file: file, line: record.line, column: column.map { $0 + 1 }, reason: reason))
                }
                /// The users.csv row of this row's user_id, if there is one.
                func userPosition() -> Int? {
                    let key = record.withField(userColumn) { Hasher128.hash(FieldRules.trimmed($0)) }
                    return users.index[key].map(Int.init)
                }
                // A malformed row still says whose membership it was meant to be, when its user_id is
                // readable: that person keeps exactly the memberships the database has, as a rejected
                // users.csv row keeps the person. Without a user_id, nobody's memberships are removed.
                func rejectKeepingMemberships(_ column: Int?, _ reason: String) {
                    reject(column, reason)
                    guard record.count > userColumn,
                        !record.withField(userColumn, { FieldRules.trimmed($0).isEmpty })
                    else {
                        result.unidentifiedRejects += 1
                        return
                    }
                    if let position = userPosition(), users.rows[position].status == .active {
                        result.protectedMembers.insert(memberIDs[position])
                    }
                }
                if record.count != current.width {
                    return rejectKeepingMemberships(nil, current.widthMismatch(fields: record.count))
                }
                if let issue = record.issue { return rejectKeepingMemberships(issue.column - 1, issue.reason) }
                for column in [userColumn, keyColumn] where record.withField(column, { FieldRules.trimmed($0).isEmpty }) {
                    return rejectKeepingMemberships(column, "\(current.label(column)) is empty but required")
                }
                guard let position = userPosition() else {
                    return reject(userColumn, "user_id is not in \(users.file)")
                }
                switch users.rows[position].status {
                case .rejected:
                    return reject(userColumn, "user_id's row in \(users.file) (line \(users.rows[position].line)) was rejected")
                case .inactive:
                    return
                case .active:
                    break
                }
                let group = try record.withField(keyColumn) { keyBytes in
                    try groups.resolve(keyBytes: FieldRules.trimmed(keyBytes)) {
                        let name = nameColumn.map { record.string($0).trimmingCharacters(in: .whitespaces) } ?? ""
                        return name.isEmpty ? String(decoding: FieldRules.trimmed(keyBytes), as: UTF8.self) : name
                    }
                }
                let member = memberIDs[position]
                guard member < (1 << 39) else { throw SnapshotLimitError.memberIDTooLarge(member) }
                result.pairs.append(PackedMembership.pack(member: member, group: group))
            }
        } catch let error as CSVError {
            throw ValidationError.csv(error)
        }
        guard layout != nil else { throw ValidationError.emptyFile(file: file) }
        result.pairs.sort()
        result.pairs.removeDuplicates()
        result.rejections.sortByLine()
        return result
    }

    /// Reads `groups.csv`, registering every group it declares.
    ///
    /// - Returns: the rejected rows (rows with no group name).
    func scanCatalog(path: String, file: String, groups: inout GroupTable) throws -> RejectionLog {
        let reader = try Self.open(path: path, file: file, options: csvOptions)
        var rejections = RejectionLog()
        var layout: FileLayout?
        do {
            try reader.forEachRecord { record in
                guard let current = layout else {
                    layout = try FileLayout.catalog(header: record, file: file)
                    return
                }
                let keyColumn = current["group_id"] ?? current["group_name"]!
                let nameColumn = current["group_name"]
                if record.count != current.width {
                    rejections.append(
                        Rejection(
                            file: file, line: record.line, column: nil, reason: current.widthMismatch(fields: record.count)))
                    return
                }
                if record.withField(keyColumn, { FieldRules.trimmed($0).isEmpty }) {
                    rejections.append(
                        Rejection(file: file, line: record.line, column: keyColumn + 1,
                            reason: "\(current.label(keyColumn)) is empty but required"))
                    return
                }
                _ = try record.withField(keyColumn) { keyBytes in
                    try groups.resolve(keyBytes: FieldRules.trimmed(keyBytes)) {
                        let name = nameColumn.map { record.string($0).trimmingCharacters(in: .whitespaces) } ?? ""
                        return name.isEmpty ? String(decoding: FieldRules.trimmed(keyBytes), as: UTF8.self) : name
                    }
                }
            }
        } catch let error as CSVError {
            throw ValidationError.csv(error)
        }
        guard layout != nil else { throw ValidationError.emptyFile(file: file) }
        rejections.sortByLine()
        return rejections
    }

    static func open(path: String, file: String, options: CSVOptions) throws(ValidationError) -> CSVReader {
        do { return try CSVReader(path: path, displayName: file, options: options) } catch { throw .csv(error) }
    }
}

extension Array where Element == UInt64 {
    /// Removes adjacent duplicates of a sorted array in place.
    mutating func removeDuplicates() {
        guard count > 1 else { return }
        var write = 1
        for read in 1..<count where self[read] != self[write - 1] {
            self[write] = self[read]
            write += 1
        }
        removeLast(count - write)
    }
}

import Foundation
