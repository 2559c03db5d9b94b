import AudienceCSV

/// Where each known column sits in a file, read from its header line.
///
/// Header names match case-insensitively, trimmed, in any order; WorkOS's attribute names are
/// accepted as aliases. A duplicate column is a file error; an unknown column is reported once
/// and ignored.
struct FileLayout {
    /// Column index (0-based) by canonical name.
    private(set) var index: [String: Int] = [:]
    /// Header cells that name no column we know, in file order.
    private(set) var unknown: [String] = []
    /// The number of cells in the header: every data row must have as many.
    let width: Int
    /// The header as written, for error messages.
    let names: [String]

    /// Reads a header record.
    ///
    /// - Parameters:
    ///   - header: the file's first record.
    ///   - file: the file's display name, for errors.
    ///   - known: the canonical column names this file may have.
    ///   - aliases: other spellings of canonical names.
    ///   - required: names that must be present.
    /// - Throws: `ValidationError.duplicateColumn` or `.missingColumn`.
    init(
        header: borrowing CSVRecord, file: String, known: Set<String>, aliases: [String: String] = [:],
        required: [String]
    ) throws(ValidationError) {
        width = header.count
        var names: [String] = []
        for column in 0..<header.count {
            names.append(header.string(column).trimmingCharacters(in: .whitespaces))
        }
        self.names = names
        for (column, name) in names.enumerated() {
            let folded = name.lowercased()
            guard let canonical = known.contains(folded) ? folded : aliases[folded] else {
                if !folded.isEmpty { unknown.append(name) }
                continue
            }
            if let first = index[canonical] {
                throw .duplicateColumn(file: file, column: canonical, firstColumn: first + 1, secondColumn: column + 1)
            }
            index[canonical] = column
        }
        for name in required where index[name] == nil {
            throw .missingColumn(file: file, column: name, found: names)
        }
    }

    subscript(_ name: String) -> Int? { index[name] }

    /// Why a row with `fields` fields does not fit this header, for a rejection.
    ///
    /// A header ending in commas (`user_id,email,first_name,last_name,`, as some spreadsheet exports write
    /// it) has empty columns that correctly written rows do not fill: every row is then rejected although
    /// only the header is wrong, so the reason says what to fix.
    func widthMismatch(fields: Int) -> String {
        let reason = "row has \(fields) fields but the header has \(width)"
        let empty = names.reversed().prefix { $0.isEmpty }.count
        guard empty > 0, (width - empty)..<width ~= fields else { return reason }
        return empty == 1
            ? reason + "; the header line ends with a comma: remove the trailing comma"
            : reason + "; the header line ends with \(empty) commas: remove the trailing commas"
    }

    /// A 1-based column number and its header name, for rejection reasons.
    func label(_ column: Int) -> String {
        column < names.count ? "column \(column + 1) (\(names[column]))" : "column \(column + 1)"
    }
}

extension FileLayout {
    /// Header names for a message: the first `limit`, then how many more, so that a header of
    /// 100,000 columns still gives a one-line message instead of megabytes of names.
    static func listing(_ names: [String], limit: Int = 20) -> String {
        let shown = names.prefix(limit).joined(separator: ", ")
        return names.count > limit ? "\(shown), ... (\(names.count - limit) more)" : shown
    }

    /// Reads the header of `users.csv`.
    static func users(header: borrowing CSVRecord, file: String) throws(ValidationError) -> FileLayout {
        var known: Set<String> = ["user_id", "email", "first_name", "last_name", "state"]
        for attribute in Attribute.allCases { known.insert(attribute.rawValue) }
        let aliases = Attribute.aliases.mapValues(\.rawValue)
        return try FileLayout(
            header: header, file: file, known: known, aliases: aliases,
            required: ["user_id", "email", "first_name", "last_name"])
    }

    /// Reads the header of `user_groups.csv`: `user_id` and `group_name`, or `group_id` as the key.
    static func memberships(header: borrowing CSVRecord, file: String) throws(ValidationError) -> FileLayout {
        let layout = try FileLayout(
            header: header, file: file, known: ["user_id", "group_name", "group_id"], required: ["user_id"])
        if layout["group_name"] == nil && layout["group_id"] == nil {
            throw .missingColumn(file: file, column: "group_name", found: layout.names)
        }
        return layout
    }

    /// Reads the header of `groups.csv`: `group_name` (or `group_id`), extra columns allowed.
    static func catalog(header: borrowing CSVRecord, file: String) throws(ValidationError) -> FileLayout {
        let layout = try FileLayout(header: header, file: file, known: ["group_name", "group_id"], required: [])
        if layout["group_name"] == nil && layout["group_id"] == nil {
            throw .missingColumn(file: file, column: "group_name", found: layout.names)
        }
        return layout
    }
}

import Foundation
