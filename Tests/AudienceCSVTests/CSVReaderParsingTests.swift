import Testing

@testable import AudienceCSV

struct CSVReaderParsingTests {
    @Test func simpleRecords() throws {
        let result = try rows("id,email\n1,a@example.com\n2,b@example.com\n")
        #expect(
            result == [
                Row(line: 1, fields: ["id", "email"]),
                Row(line: 2, fields: ["1", "a@example.com"]),
                Row(line: 3, fields: ["2", "b@example.com"]),
            ])
    }

    @Test func quotedFieldsMayHoldCommas() throws {
        let result = try rows("name,city\n\"Dupont, Jean\",\"Paris, France\"\n")
        #expect(result[1].fields == ["Dupont, Jean", "Paris, France"])
    }

    @Test func doubledQuotesBecomeOneQuote() throws {
        let result = try rows("\"Bob \"\"Bobby\"\" Smith\",\"\"\"\",\"a\"\"\"\"b\"\n")
        #expect(result == [Row(line: 1, fields: ["Bob \"Bobby\" Smith", "\"", "a\"\"b"])])
    }

    @Test func emptyQuotedAndUnquotedFields() throws {
        let result = try rows("a,,\"\",b\n\"\"\n,\n")
        #expect(
            result == [
                Row(line: 1, fields: ["a", "", "", "b"]),
                Row(line: 2, fields: [""]),
                Row(line: 3, fields: ["", ""]),
            ])
    }

    @Test func embeddedLineFeedAdvancesLineNumbers() throws {
        let result = try rows("h1,h2\n\"line one\nline two\nline three\",x\nnext,row\n")
        #expect(
            result == [
                Row(line: 1, fields: ["h1", "h2"]),
                Row(line: 2, fields: ["line one\nline two\nline three", "x"]),
                Row(line: 5, fields: ["next", "row"]),
            ])
    }

    @Test func embeddedCRLFIsKeptAndCountedOnce() throws {
        let result = try rows("h\r\n\"a\r\nb\",c\r\nd,e\r\n")
        #expect(
            result == [
                Row(line: 1, fields: ["h"]),
                Row(line: 2, fields: ["a\r\nb", "c"]),
                Row(line: 4, fields: ["d", "e"]),
            ])
    }

    @Test(arguments: [
        ("LF", "a,b\nc,d\ne,f\n"),
        ("CRLF", "a,b\r\nc,d\r\ne,f\r\n"),
        ("mixed", "a,b\r\nc,d\ne,f\r\n"),
        ("lone CR", "a,b\rc,d\re,f\r"),
        ("no final newline", "a,b\nc,d\ne,f"),
        ("no final CRLF", "a,b\r\nc,d\r\ne,f"),
    ])
    func lineEndings(name: String, text: String) throws {
        let expected = [
            Row(line: 1, fields: ["a", "b"]), Row(line: 2, fields: ["c", "d"]), Row(line: 3, fields: ["e", "f"]),
        ]
        #expect(try rows(text) == expected, "\(name)")
    }

    @Test func emptyLinesAreSkippedButCounted() throws {
        let result = try rows("\n\na\n\r\n\nb\r\n\r\n\nc")
        #expect(
            result == [
                Row(line: 3, fields: ["a"]),
                Row(line: 6, fields: ["b"]),
                Row(line: 9, fields: ["c"]),
            ])
    }

    @Test func lineOfSpacesIsARecord() throws {
        #expect(
            try rows("a\n  \nb\n") == [
                Row(line: 1, fields: ["a"]), Row(line: 2, fields: ["  "]), Row(line: 3, fields: ["b"]),
            ])
    }

    @Test func trailingDelimiterAddsEmptyField() throws {
        let result = try rows("a,b,\nc,d,\"\"\n")
        #expect(result == [Row(line: 1, fields: ["a", "b", ""]), Row(line: 2, fields: ["c", "d", ""])])
    }

    @Test func quotedFinalFieldWithoutNewline() throws {
        #expect(try rows("a,\"b,c\"") == [Row(line: 1, fields: ["a", "b,c"])])
    }

    @Test func emptyInputHasNoRecords() throws {
        #expect(try rows("").isEmpty)
        #expect(try rows("\n\r\n\n").isEmpty)
        #expect(try rows("\u{FEFF}").isEmpty)
    }

    @Test func accentsAndEmojiArePreserved() throws {
        let text = "name,city,note\nJosé Müller,São Paulo,\"Zoë 👩‍💻, 日本\"\nŁukasz,Kraków,🎉\n"
        let result = try rows(text)
        #expect(result[1].fields == ["José Müller", "São Paulo", "Zoë 👩‍💻, 日本"])
        #expect(result[2].fields == ["Łukasz", "Kraków", "🎉"])
    }

    @Test func recordAccessors() throws {
        let reader = CSVReader(string: "id,,\"x\"\"y\"\n")
        var seen = 0
        try reader.forEachRecord { record in
            seen += 1
            #expect(record.count == 3)
            #expect(record.string(0) == "id")
            #expect(record.isEmpty(1))
            #expect(!record.isEmpty(2))
            #expect(record.field(2, equals: "x\"y"))
            #expect(!record.field(0, equals: "i"))
            #expect(record.withField(2) { $0.count } == 3)
            #expect(Array(record.fieldBytes(0)) == Array("id".utf8))
            #expect(record.issue == nil)
        }
        #expect(seen == 1)
        #expect(reader.recordsRead == 1)
        #expect(reader.bytesRead == 11)
    }

    @Test func manyFieldsGrowTheOffsetBuffer() throws {
        let fields = (0..<1000).map { "f\($0)" }
        let result = try rows(fields.joined(separator: ",") + "\n" + fields.reversed().joined(separator: ","))
        #expect(result.count == 2)
        #expect(result[0].fields == fields)
        #expect(result[1].fields == fields.reversed())
    }

    @Test func errorsFromTheCallbackPropagate() throws {
        struct Stop: Error {}
        let reader = CSVReader(string: "a\nb\nc\n")
        var seen: [String] = []
        #expect(throws: Stop.self) {
            try reader.forEachRecord { record in
                seen.append(record.string(0))
                if seen.count == 2 { throw Stop() }
            }
        }
        #expect(seen == ["a", "b"])
    }
}
