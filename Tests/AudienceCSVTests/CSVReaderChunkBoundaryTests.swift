import Testing

@testable import AudienceCSV

/// Every input is parsed with boundaries at every byte, at odd offsets and nowhere; all must agree.
/// These catch carry-over bugs: a CR split from its LF, a `""` split in half, a quote closing
/// right at the end of a chunk, a BOM cut short, a UTF-8 sequence split across reads.
struct CSVReaderChunkBoundaryTests {
    static let inputs: [String] = [
        "id,email\n1,a@example.com\n2,b@example.com\n",
        "a,b\r\nc,d\r\n",
        "a,b\rc,d\r",
        "a,b\r\nc,d\ne,f\rg,h",
        "\u{FEFF}id,name\r\n1,Zoë\r\n",
        "\"Dupont, Jean\",\"Paris, France\"\n\"x\"\"y\",\"\"\"\"\n",
        "\"multi\r\nline\nfield\",next\r\nafter,quoted\n",
        "\n\r\n\na\n\n\nb\r\n\r\n",
        "a,b,\n,\n,,\n",
        "José,Müller,São Paulo\n日本語,😀🎉,\"👩‍💻, Zürich\"\n",
        "ab\"c,d\n\"ab\"c,d\n\"x\"\"\"yz,w\n",
        "\"ends\",\"with quote\"",
        "\"\"\n\"\"\"\"\n",
        "last,record,no,newline",
        String(repeating: "field1,\"quoted, field\",ünïcödé,\"a\"\"b\"\r\n", count: 40),
    ]

    @Test(arguments: inputs.indices)
    func sameRecordsForEveryChunkSize(index: Int) throws {
        let bytes = Array(Self.inputs[index].utf8)
        let reference = try rows(bytes, options: CSVOptions(chunkSize: 1 << 20))
        #expect(!reference.isEmpty)
        for chunkSize in boundaryChunkSizes + [4, 5, 8, 9, 13, 16] {
            let result = try rows(bytes, options: CSVOptions(chunkSize: chunkSize))
            #expect(result == reference, "chunk size \(chunkSize)")
        }
    }

    @Test(arguments: inputs.indices)
    func fileAndMemoryReadersAgree(index: Int) throws {
        let bytes = Array(Self.inputs[index].utf8)
        let reference = try rows(bytes)
        for chunkSize in [1, 3, 64] {
            let result = try withTemporaryFile(bytes) { path in
                try collect(CSVReader(path: path, options: CSVOptions(chunkSize: chunkSize)))
            }
            #expect(result == reference, "chunk size \(chunkSize)")
        }
    }

    @Test func expectedRecordsForTheTrickyInputs() throws {
        #expect(
            try rows(Self.inputs[3]) == [
                Row(line: 1, fields: ["a", "b"]), Row(line: 2, fields: ["c", "d"]),
                Row(line: 3, fields: ["e", "f"]), Row(line: 4, fields: ["g", "h"]),
            ])
        #expect(
            try rows(Self.inputs[6]) == [
                Row(line: 1, fields: ["multi\r\nline\nfield", "next"]), Row(line: 4, fields: ["after", "quoted"]),
            ])
        #expect(
            try rows(Self.inputs[10]) == [
                Row(line: 1, fields: ["ab\"c", "d"], issue: .bareQuote(column: 1)),
                Row(line: 2, fields: ["ab", "d"], issue: .textAfterClosingQuote(column: 1)),
                Row(line: 3, fields: ["x\"", "w"], issue: .textAfterClosingQuote(column: 1)),
            ])
        #expect(try rows(Self.inputs[12]) == [Row(line: 1, fields: [""]), Row(line: 2, fields: ["\""])])
        let repeated = try rows(Self.inputs[14])
        #expect(repeated.count == 40)
        #expect(repeated.allSatisfy { $0.fields == ["field1", "quoted, field", "ünïcödé", "a\"b"] })
        #expect(repeated.last?.line == 40)
    }

    @Test func everySplitPointOfOneRecord() throws {
        // A two-chunk read for every possible split point, via chunk sizes 1...length.
        let text = "\u{FEFF}\"a\"\"b\",\"c\r\nd\",é😀\r\n\"\"\r\nx"
        let bytes = Array(text.utf8)
        let reference = try rows(bytes)
        #expect(
            reference == [
                Row(line: 1, fields: ["a\"b", "c\r\nd", "é😀"]),
                Row(line: 3, fields: [""]),
                Row(line: 4, fields: ["x"]),
            ])
        for chunkSize in 1...bytes.count {
            #expect(try rows(bytes, options: CSVOptions(chunkSize: chunkSize)) == reference, "chunk size \(chunkSize)")
        }
    }
}
