// What MembershipScanner must answer for a user_groups.csv, worked out the slow and obvious way: header
// names folded by hand, byte arrays instead of hashes, one rule after another as the README states them.
// The fuzzer compares the scanner with this model; the model shares no code with the scanner.

import AudienceCSV
import Foundation

/// The expected outcome of scanning one user_groups.csv against ``MembershipCheck/users``.
struct MembershipModel {
    /// One data record as the model sees it.
    struct Record {
        var line: Int
        var fields: [[UInt8]]
        var issue: CSVRecordIssue?
    }

    /// A (users.csv row position, group key) pair that must end up as a membership.
    struct Pair: Hashable {
        var position: Int
        var key: [UInt8]
    }

    /// A file-level refusal (header problems, empty file).
    var refusal: ValidationError?
    /// The file has a valid header, then the CSV reader fails: the scanner must throw `.csv`.
    var csvFailure = false
    var dataRows = 0
    /// (line, 1-based column) of every rejected row, in file order.
    var rejections: [(line: Int, column: Int?)] = []
    var pairs: Set<Pair> = []
    /// Groups in the order they are first named by an accepted row: key bytes and display name bytes.
    var groups: [(key: [UInt8], name: [UInt8])] = []

    /// - Parameters:
    ///   - records: The file's records (header first), from a hand split or the CSV reader.
    ///   - csvError: Whether the CSV reader stopped with an error after `records`.
    ///   - file: The display name the scanner is given.
    init(records: [Record], csvError: Bool, file: String) {
        guard let header = records.first else {
            if csvError { csvFailure = true } else { refusal = .emptyFile(file: file) }
            return
        }
        let names = header.fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
        var columns: [String: Int] = [:]
        for (column, name) in names.enumerated() {
            let folded = name.lowercased()
            guard ["user_id", "group_name", "group_id"].contains(folded) else { continue }
            if let first = columns[folded] {
                refusal = .duplicateColumn(file: file, column: folded, firstColumn: first + 1, secondColumn: column + 1)
                return
            }
            columns[folded] = column
        }
        guard let userColumn = columns["user_id"] else {
            refusal = .missingColumn(file: file, column: "user_id", found: names)
            return
        }
        guard let keyColumn = columns["group_id"] ?? columns["group_name"] else {
            refusal = .missingColumn(file: file, column: "group_name", found: names)
            return
        }
        if csvError {
            csvFailure = true
            return
        }
        var seenGroups: Set<[UInt8]> = []
        for record in records.dropFirst() {
            dataRows += 1
            guard record.fields.count == names.count else {
                rejections.append((record.line, nil))
                continue
            }
            if let issue = record.issue {
                rejections.append((record.line, issue.column))
                continue
            }
            let user = Self.trimmed(record.fields[userColumn])
            let key = Self.trimmed(record.fields[keyColumn])
            if user.isEmpty || key.isEmpty {
                rejections.append((record.line, (user.isEmpty ? userColumn : keyColumn) + 1))
                continue
            }
            guard let known = MembershipCheck.users[user] else {
                rejections.append((record.line, userColumn + 1))
                continue
            }
            switch known.status {
            case .rejected:
                rejections.append((record.line, userColumn + 1))
                continue
            case .inactive:
                continue
            case .active:
                break
            }
            pairs.insert(Pair(position: known.position, key: key))
            if seenGroups.insert(key).inserted {
                let written = columns["group_name"].map {
                    String(decoding: record.fields[$0], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                }
                let name = written.flatMap { $0.isEmpty ? nil : Array($0.utf8) } ?? key
                groups.append((key, name))
            }
        }
    }

    /// Without leading and trailing ASCII spaces and tabs (the only blanks the rules trim from keys).
    static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) })
        else { return [] }
        return Array(bytes[first...last])
    }
}

extension MembershipModel {
    /// The model of a fuzz input: from the hand split when the input is plain (so the reader is not trusted
    /// there either), else from the CSV reader's records.
    init(_ bytes: [UInt8], shape: InputShape, file: String) {
        if let plain = shape.plainRecords(fieldLimit: fieldLimit, recordLimit: recordLimit) {
            self.init(records: plain.map { Record(line: $0.line, fields: $0.fields) }, csvError: false, file: file)
            return
        }
        let outcome = parse(bytes, chunkSize: 1 << 16)
        let records = outcome.records.indices.map {
            Record(line: outcome.lines[$0], fields: outcome.records[$0], issue: outcome.issues[$0])
        }
        self.init(records: records, csvError: outcome.error != nil, file: file)
    }

    /// Whether a scan says what the model says: the same refusal, or the same rows, rejections (line and
    /// column), memberships and groups (keys, names, order of first mention).
    func agrees(with scan: MembershipCheck.Scan) -> Bool {
        if let refusal { return scan.error == refusal }
        if csvFailure {
            if case .csv? = scan.error { return true }
            return false
        }
        guard let result = scan.result else { return false }
        let scanned = result.pairs.map { pair in
            Pair(
                position: Int(PackedMembership.member(pair) - MembershipCheck.memberIDs[0]),
                key: scan.groups[Int(PackedMembership.group(pair))].key)
        }
        return result.dataRows == dataRows
            && result.rejections.entries.elementsEqual(rejections) { $0.line == $1.line && $0.column == $1.column }
            && scanned.count == pairs.count && Set(scanned) == pairs
            && scan.groups.elementsEqual(groups) { $0.key == $1.key && $0.name == $1.name }
    }

    var summary: String {
        if let refusal { return "refusal \(refusal)" }
        if csvFailure { return "a CSV error" }
        let lines = rejections.prefix(8).map { "\($0.line):\($0.column ?? 0)" }
        return "\(dataRows) rows, \(pairs.count) pairs, \(groups.count) groups, rejected \(lines)"
    }
}
