import Testing

@testable import AudienceCSV

struct CSVRecordIssueTests {
    @Test func bareQuoteInUnquotedFieldIsFlaggedAndKept() throws {
        let result = try rows("id,name\n1,ab\"c\n2,ok\n")
        #expect(
            result == [
                Row(line: 1, fields: ["id", "name"]),
                Row(line: 2, fields: ["1", "ab\"c"], issue: .bareQuote(column: 2)),
                Row(line: 3, fields: ["2", "ok"]),
            ])
    }

    @Test func textAfterClosingQuoteKeepsTheQuotedPart() throws {
        let result = try rows("id,name\n1,\"ab\"c,z\n2,ok\n")
        #expect(
            result == [
                Row(line: 1, fields: ["id", "name"]),
                Row(line: 2, fields: ["1", "ab", "z"], issue: .textAfterClosingQuote(column: 2)),
                Row(line: 3, fields: ["2", "ok"]),
            ])
    }

    @Test(
        arguments: [
            // (input, fields, issue)
            ("a\"", ["a\""], CSVRecordIssue.bareQuote(column: 1)),
            (" \"x\",y", [" \"x\"", "y"], .bareQuote(column: 1)),
            ("a,b\"\"c", ["a", "b\"\"c"], .bareQuote(column: 2)),
            ("\"a\" ,b", ["a", "b"], .textAfterClosingQuote(column: 1)),
            ("\"a\"\"\"x", ["a\""], .textAfterClosingQuote(column: 1)),
            ("\"a\"b\"c\",d", ["a", "d"], .textAfterClosingQuote(column: 1)),
            ("x,\"a\"b\r", ["x", "a"], .textAfterClosingQuote(column: 2)),
        ] as [(String, [String], CSVRecordIssue)])
    func malformedQuotingIsARowIssue(text: String, fields: [String], issue: CSVRecordIssue) throws {
        for chunkSize in boundaryChunkSizes {
            let result = try rows(text, chunkSize: chunkSize)
            #expect(result == [Row(line: 1, fields: fields, issue: issue)], "chunk \(chunkSize)")
        }
    }

    @Test func onlyTheFirstIssueOfARecordIsKept() throws {
        let result = try rows("a\"b,\"c\"d,e\"\n")
        #expect(result == [Row(line: 1, fields: ["a\"b", "c", "e\""], issue: .bareQuote(column: 1))])
    }

    @Test func issueDoesNotLeakIntoTheNextRecord() throws {
        let result = try rows("\"a\"b\nc\n\"d\"\n")
        #expect(result.map(\.issue) == [.textAfterClosingQuote(column: 1), nil, nil])
    }

    @Test func quoteAfterClosingQuoteDoesNotReopenTheField() throws {
        // Once flagged, the rest up to the delimiter is skipped as plain text, so a comma there splits.
        let result = try rows("\"a\"x\"b,c\"\n")
        #expect(result == [Row(line: 1, fields: ["a", "c\""], issue: .textAfterClosingQuote(column: 1))])
    }

    @Test func issuesDescribeTheColumn() {
        #expect(CSVRecordIssue.bareQuote(column: 3).column == 3)
        #expect(
            CSVRecordIssue.textAfterClosingQuote(column: 2).description == "text after the closing quote of field 2")
        #expect(CSVRecordIssue.bareQuote(column: 1).description == "stray quote inside unquoted field 1")
    }

    @Test func invalidUTF8InAFlaggedRecordIsStillFatal() {
        let bytes = Array("a\"b,".utf8) + [0xFF] + [0x0A]
        #expect(csvError(bytes) == .invalidUTF8(file: "test.csv", line: 1, column: 2))
    }
}
