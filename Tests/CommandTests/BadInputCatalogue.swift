import Foundation
import Testing

/// One malformed or hostile input for `audience-sync import`, with what the product must do with it.
///
/// Every case is imported into a database that already holds ``BadInput/baseRows`` (u1, u2, u3 in
/// group Eng), so a refusal can be checked by comparing `export` before and after.
struct BadInput: Sendable, CustomTestStringConvertible {
    let id: String
    /// What the input is, as listed in the README's catalogue.
    let summary: String
    /// users.csv bytes.
    let users: @Sendable () -> Data
    var groups: (@Sendable () -> Data)? = nil
    var catalog: (@Sendable () -> Data)? = nil
    /// Expected exit status of `import`.
    let status: Int32
    /// A fragment of stdout + stderr: the message, with `file:line[:column]` where there is one.
    let message: String
    /// How the database ends: untouched, or holding this fragment in `export`.
    var export: ExportExpectation = .unchanged
    /// Inputs big enough that their cost matters are held to a time limit.
    var slow = false

    var testDescription: String { "\(id): \(summary)" }

    enum ExportExpectation: Sendable {
        case unchanged
        case contains(String)
        case lacks(String)
    }

    static let header = "user_id,email,first_name,last_name\n"
    static let baseRows = "u1,u1@x.com,A,A\nu2,u2@x.com,B,B\nu3,u3@x.com,C,C\n"
    static let baseGroups = "user_id,group_name\nu1,Eng\nu2,Eng\nu3,Eng\n"

    /// The base export plus extra lines (the extra rows are lines 5 and on).
    static func users(_ extra: String) -> @Sendable () -> Data {
        { Data((header + baseRows + extra).utf8) }
    }

    static func text(_ text: String) -> @Sendable () -> Data { { Data(text.utf8) } }

    static func bytes(_ bytes: [UInt8]) -> @Sendable () -> Data { { Data(bytes) } }
}

extension BadInput {
    /// The catalogue. Messages quote the product; line numbers are the file's physical lines.
    static let catalogue: [BadInput] = encodingCases + structureCases + fieldCases + emailCases + groupCases

    static let encodingCases: [BadInput] = [
        BadInput(
            id: "empty", summary: "empty file (0 bytes)", users: bytes([]), status: 65,
            message: "users.csv: the file is empty (no header line); nothing was applied."),
        BadInput(
            id: "bom-only", summary: "a UTF-8 byte-order mark and nothing else", users: bytes([0xEF, 0xBB, 0xBF]),
            status: 65, message: "users.csv: the file is empty (no header line)"),
        BadInput(
            id: "header-only", summary: "header line only", users: text(header), status: 65,
            message: "users.csv: the header is followed by no data rows; an empty export is refused"),
        BadInput(
            id: "header-only-crlf-blank", summary: "header, then only blank CRLF lines",
            users: text("user_id,email,first_name,last_name\r\n\r\n\r\n"), status: 65, message: "no data rows"),
        BadInput(
            id: "bom-crlf", summary: "UTF-8 BOM and CRLF line ends (Excel export)",
            users: { Data([0xEF, 0xBB, 0xBF] + Array((header + baseRows + "u4,u4@x.com,D,D\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)) },
            status: 0, message: "1 added, 0 updated, 0 removed, 3 unchanged, 0 rejected", export: .contains("u4@x.com,D,D")),
        BadInput(
            id: "utf16le-bom", summary: "UTF-16LE with byte-order mark",
            users: { Data([0xFF, 0xFE] + Array((header + baseRows).utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) },
            status: 65, message: "users.csv: file is UTF-16 or UTF-32 (byte-order mark found); re-export as UTF-8"),
        BadInput(
            id: "utf16be-bom", summary: "UTF-16BE with byte-order mark",
            users: { Data([0xFE, 0xFF] + Array((header + baseRows).utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }) },
            status: 65, message: "users.csv: file is UTF-16 or UTF-32"),
        BadInput(
            id: "utf16le-no-bom", summary: "UTF-16LE without byte-order mark",
            users: { Data(Array((header + baseRows).utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) },
            status: 65, message: "users.csv:1: NUL byte in field 1 (binary or UTF-16 file?)"),
        BadInput(
            id: "utf32be-bom", summary: "UTF-32BE byte-order mark", users: bytes([0, 0, 0xFE, 0xFF, 0, 0, 0, 0x75]),
            status: 65, message: "users.csv: file is UTF-16 or UTF-32"),
        BadInput(
            id: "nul-in-field", summary: "NUL byte inside a data field",
            users: { Data(Array((header + baseRows).utf8) + Array("u4,u4@x.com,D".utf8) + [0] + Array(",D\n".utf8)) },
            status: 65, message: "users.csv:5: NUL byte in field 3"),
        BadInput(
            id: "latin1", summary: "Latin-1 byte (invalid UTF-8) in a name",
            users: { Data(Array((header + baseRows + "u4,u4@x.com,Jos").utf8) + [0xE9] + Array(",D\n".utf8)) },
            status: 65, message: "users.csv:5: invalid UTF-8 in field 3 (re-export the file as UTF-8)"),
        BadInput(
            id: "overlong-utf8", summary: "overlong UTF-8 encoding of '/' (C0 AF)",
            users: { Data(Array((header + baseRows + "u4,u4@x.com,D").utf8) + [0xC0, 0xAF] + Array(",D\n".utf8)) },
            status: 65, message: "users.csv:5: invalid UTF-8 in field 3"),
    ]

    static let structureCases: [BadInput] = [
        BadInput(
            id: "field-100mb", summary: "a single 100 MB field",
            users: {
                var data = Data((header + "u1,u1@x.com,").utf8)
                data.append(Data(repeating: UInt8(ascii: "x"), count: 100 << 20))
                data.append(Data(",A\n".utf8))
                return data
            },
            status: 65, message: "users.csv:2: field 3 is larger than the 1048576-byte limit (unbalanced quote?)", slow: true),
        BadInput(
            id: "runaway-quote", summary: "an opening quote never closed, then 5 MB of rows",
            users: {
                Data((header + "u1,\"u1@x.com,A,A\n" + String(repeating: "u9,u9@x.com,B,B\n", count: 330_000)).utf8)
            },
            status: 65, message: "users.csv:2: field 2 is larger than the 1048576-byte limit", slow: true),
        BadInput(
            id: "columns-100k", summary: "100,000 extra columns (header and every row)",
            users: {
                let extra = (0..<100_000).map { "c\($0)" }.joined(separator: ",")
                let blanks = String(repeating: ",", count: 100_000)
                let rows: [String] = baseRows.split(separator: "\n").map { String($0) + blanks + "\n" }
                let text: String = "user_id,email,first_name,last_name," + extra + "\n" + rows.joined()
                return Data(text.utf8)
            },
            status: 0, message: "ignoring unknown columns: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, ... (99980 more).",
            slow: true),
        BadInput(
            id: "columns-100k-no-key", summary: "100,000 columns, none of them known",
            users: { Data(((0..<100_000).map { "c\($0)" }.joined(separator: ",") + "\nx\n").utf8) },
            status: 65, message: "users.csv:1: required column 'user_id' is missing (header has: c0, c1,", slow: true),
        BadInput(
            id: "mixed-line-ends", summary: "LF, CRLF and lone CR mixed; bad row on line 5",
            users: text("user_id,email,first_name,last_name\r\nu1,u1@x.com,A,A\nu2,u2@x.com,B,B\ru3,u3@x.com,C,C\r\nu4,bad,D,D\n"),
            status: 0, message: "users.csv:5:2: email has no '@'", export: .lacks("bad")),
        BadInput(
            id: "blank-lines", summary: "blank lines between rows are skipped but counted",
            users: users("\n\n\nu4,u4@x.com,,D\n"), status: 0,
            message: "users.csv:8:3: column 3 (first_name) is empty but required"),
        BadInput(
            id: "unterminated-quote", summary: "a quoted field not closed before the end of the file",
            users: users("u4,u4@x.com,\"D,D\n"), status: 65,
            message: "users.csv:5: quoted field starting on this line is never closed (truncated upload?)"),
        BadInput(
            id: "quote-in-unquoted", summary: "a quote inside an unquoted field", users: users("u4,u4@x.com,Jo\"e,D\n"),
            status: 0,
            message: "users.csv:5:3: a quote appears inside an unquoted field (quote the whole field and double the quote)",
            export: .lacks("u4@x.com")),
        BadInput(
            id: "text-after-quote", summary: "text after a closing quote", users: users("u4,u4@x.com,\"Jo\"e,D\n"),
            status: 0, message: "users.csv:5:3: text follows the closing quote of a quoted field", export: .lacks("u4@x.com")),
        BadInput(
            id: "trailing-delimiter", summary: "a data row with a trailing comma", users: users("u4,u4@x.com,D,D,\n"),
            status: 0, message: "users.csv:5: row has 5 fields but the header has 4", export: .lacks("u4@x.com")),
        BadInput(
            id: "trailing-delimiter-everywhere", summary: "a trailing comma on the header and every row",
            users: text("user_id,email,first_name,last_name,\nu1,u1@x.com,A,A,\nu2,u2@x.com,B,B,\nu3,u3@x.com,C,C,\nu4,u4@x.com,D,D,\n"),
            status: 0, message: "1 added, 0 updated, 0 removed, 3 unchanged, 0 rejected", export: .contains("u4@x.com,D,D")),
        BadInput(
            id: "trailing-delimiter-header", summary: "a trailing comma on the header only",
            users: text("user_id,email,first_name,last_name,\n" + baseRows + "u4,u4@x.com,D,D\n"), status: 0,
            message: "users.csv:2: row has 4 fields but the header has 5; the header line ends with a comma: remove the trailing comma"),
        BadInput(
            id: "short-row", summary: "a row with a missing field", users: users("u4,u4@x.com,D\n"), status: 0,
            message: "users.csv:5: row has 3 fields but the header has 4", export: .lacks("u4@x.com")),
        BadInput(
            id: "duplicate-header", summary: "the same column twice",
            users: text("user_id,email,first_name,last_name,email\nu1,u1@x.com,A,A,u1@x.com\n"), status: 65,
            message: "users.csv:1: column 'email' appears twice (columns 2 and 5)."),
        BadInput(
            id: "duplicate-header-alias", summary: "the same column under two spellings (Email / EMAIL )",
            users: text("user_id,Email,first_name,last_name, EMAIL \nu1,u1@x.com,A,A,u1@x.com\n"), status: 65,
            message: "users.csv:1: column 'email' appears twice (columns 2 and 5)."),
        BadInput(
            id: "missing-column", summary: "no email column", users: text("user_id,first_name,last_name\nu1,A,A\n"),
            status: 65, message: "users.csv:1: required column 'email' is missing (header has: user_id, first_name, last_name)."),
        BadInput(
            id: "unknown-state", summary: "a state value that is neither active nor inactive",
            users: text("user_id,email,first_name,last_name,state\n" + baseRows.replacingOccurrences(of: "\n", with: ",active\n") + "u4,u4@x.com,D,D,maybe\n"),
            status: 0, message: "users.csv:5:5: column 5 (state) is not a known state (active, inactive, suspended, ...)",
            export: .lacks("u4@x.com")),
        BadInput(
            id: "too-many-rejected", summary: "12 rows, all rejected (over the 5% limit)",
            users: { Data((header + (1...12).map { "u\($0),bad\($0),A,A\n" }.joined()).utf8) }, status: 65,
            message: "users.csv: 12 of 12 rows rejected (100%, limit 5%); nothing was applied."),
    ]
}
