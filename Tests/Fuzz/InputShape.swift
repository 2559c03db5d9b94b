// What can be said about a fuzz input without parsing it: the bounds every reported position
// must respect, and, for inputs with no quotes, the records a plain split gives.

struct InputShape {
    let bytes: [UInt8]
    /// The largest line number any record or error may name: each LF and each CR can end a line.
    let maxLine: Int
    /// The largest field number: one more than the number of commas.
    let maxColumn: Int
    let startsWithWideBOM: Bool

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var breaks = 0
        var commas = 0
        for byte in bytes {
            if byte == 0x0A || byte == 0x0D { breaks += 1 }
            if byte == 0x2C { commas += 1 }
        }
        maxLine = 1 + breaks
        maxColumn = 1 + commas
        startsWithWideBOM =
            bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
            || bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF])
    }

    /// The records of an input without quotes, NUL bytes, wide byte-order marks, invalid UTF-8 or
    /// oversized fields, split by hand (LF, CRLF and lone CR end a record; empty lines are
    /// skipped). `nil` when the input is outside that easy class.
    func plainSplit(fieldLimit: Int, recordLimit: Int) -> [[[UInt8]]]? {
        plainRecords(fieldLimit: fieldLimit, recordLimit: recordLimit)?.map(\.fields)
    }

    /// ``plainSplit(fieldLimit:recordLimit:)`` with each record's physical line number (1-based;
    /// CRLF counts once, skipped empty lines count too).
    func plainRecords(fieldLimit: Int, recordLimit: Int) -> [(line: Int, fields: [[UInt8]])]? {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if startsWithWideBOM || body.contains(0x22) || body.contains(0x00) { return nil }
        if String(validating: body, as: UTF8.self) == nil { return nil }
        var records: [(line: Int, fields: [[UInt8]])] = []
        var line = 1
        var index = body.startIndex
        while index < body.endIndex {
            var end = index
            while end < body.endIndex && body[end] != 0x0A && body[end] != 0x0D { end += 1 }
            if end > index {
                if end - index > recordLimit { return nil }
                let fields = body[index..<end].split(separator: 0x2C, omittingEmptySubsequences: false).map(Array.init)
                if fields.contains(where: { $0.count > fieldLimit }) { return nil }
                records.append((line, fields))
            }
            index = end
            if index < body.endIndex {
                let terminator = body[index]
                index += 1
                line += 1
                if terminator == 0x0D && index < body.endIndex && body[index] == 0x0A { index += 1 }
            }
        }
        return records
    }
}
