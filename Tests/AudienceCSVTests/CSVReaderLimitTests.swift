import Testing

@testable import AudienceCSV

struct CSVReaderLimitTests {
    @Test func fieldAtTheLimitIsAccepted() throws {
        for chunkSize in boundaryChunkSizes {
            let options = CSVOptions(maxFieldBytes: 5, maxRecordBytes: 100, chunkSize: chunkSize)
            let result = try rows(Array("12345,\"123\"\r\nabcde\r\n".utf8), options: options)
            #expect(result == [Row(line: 1, fields: ["12345", "123"]), Row(line: 2, fields: ["abcde"])])
        }
    }

    @Test(arguments: [
        // (input, line, column): field limit is 5 bytes as written in the file, quotes included.
        ("a,b\nc,123456\n", 2, 2),
        ("a,b\nc,\"1234\"\n", 2, 2),
        ("a,b\n\"12\n34\",c\n", 2, 1),
        ("a,b\nc,123456", 2, 2),
    ])
    func oversizedFieldIsAnError(text: String, line: Int, column: Int) {
        for chunkSize in boundaryChunkSizes {
            let options = CSVOptions(maxFieldBytes: 5, maxRecordBytes: 100, chunkSize: chunkSize)
            let error = csvError(text, options: options)
            #expect(
                error == .fieldTooLarge(file: "test.csv", line: line, column: column, limit: 5), "chunk \(chunkSize)")
        }
    }

    @Test func recordAtTheLimitIsAccepted() throws {
        for chunkSize in boundaryChunkSizes {
            let options = CSVOptions(maxFieldBytes: 100, maxRecordBytes: 7, chunkSize: chunkSize)
            let result = try rows(Array("abc,def\r\n1,2,3,4\n".utf8), options: options)
            #expect(result == [Row(line: 1, fields: ["abc", "def"]), Row(line: 2, fields: ["1", "2", "3", "4"])])
        }
    }

    @Test(arguments: [
        ("ok\nabc,defg\n", 2),
        ("ok\nabc,defg", 2),
        ("ok\n\n\"a\nb\",\"c\nd\"\n", 3),
        ("ok\r\n1,2,3,4,5\r\n", 2),
    ])
    func oversizedRecordIsAnError(text: String, line: Int) {
        for chunkSize in boundaryChunkSizes {
            let options = CSVOptions(maxFieldBytes: 100, maxRecordBytes: 7, chunkSize: chunkSize)
            let error = csvError(text, options: options)
            #expect(error == .recordTooLarge(file: "test.csv", line: line, limit: 7), "chunk \(chunkSize)")
        }
    }

    @Test func runawayQuoteStopsAtTheLimitWithoutReadingTheWholeFile() throws {
        // An opening quote that is never closed would otherwise swallow the rest of the file.
        let bytes = Array("id,name\n1,\"oops\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 1_000_000)
        try withTemporaryFile(bytes) { path in
            let reader = try CSVReader(
                path: path, options: CSVOptions(maxFieldBytes: 4096, maxRecordBytes: 8192, chunkSize: 1024))
            var error: CSVError?
            do {
                try reader.forEachRecord { _ in }
            } catch let e as CSVError {
                error = e
            }
            #expect(
                error
                    == .fieldTooLarge(
                        file: path.split(separator: "/").last.map(String.init)!, line: 2, column: 2, limit: 4096))
            #expect(reader.bytesRead <= 4096 + 1024 + 32)
            #expect(reader.capacity == 1024 + 8192 + 1)
        }
    }

    @Test(arguments: [
        ("\"abc", 1),
        ("a,b\nc,\"d\ne\nf", 2),
        ("a\n\nb,\"\"\"", 3),
        ("a,\"b\"\"\n", 1),
        ("x\r\n\"y\"\r\n\"z", 3),
    ])
    func unterminatedQuoteReportsWhereTheFieldStarted(text: String, line: Int) {
        for chunkSize in boundaryChunkSizes {
            let error = csvError(text, options: CSVOptions(chunkSize: chunkSize))
            #expect(error == .unterminatedQuote(file: "test.csv", line: line), "chunk \(chunkSize)")
        }
        #expect(CSVError.unterminatedQuote(file: "u.csv", line: line).description.contains("truncated upload?"))
    }

    @Test func missingFileCannotBeOpened() {
        #expect(throws: CSVError.cannotOpen(file: "nope.csv", reason: "No such file or directory")) {
            _ = try CSVReader(path: "/nonexistent-dir/nope.csv")
        }
        #expect(throws: CSVError.cannotOpen(file: "HR export", reason: "No such file or directory")) {
            _ = try CSVReader(path: "/nonexistent-dir/nope.csv", displayName: "HR export")
        }
    }

    @Test func directoryCannotBeRead() throws {
        let reader = try CSVReader(path: "/tmp")
        #expect(throws: CSVError.readFailed(file: "tmp", reason: "Is a directory")) {
            try reader.forEachRecord { _ in }
        }
    }

    @Test func optionsClampNonsenseValues() {
        let options = CSVOptions(maxFieldBytes: 0, maxRecordBytes: -1, chunkSize: 0)
        #expect(options.maxFieldBytes == 1)
        #expect(options.maxRecordBytes == 1)
        #expect(options.chunkSize == 1)
    }

    @Test func errorsExposeFileLineAndColumn() {
        let error = CSVError.fieldTooLarge(file: "u.csv", line: 9, column: 4, limit: 10)
        #expect(error.description.hasPrefix("u.csv:9: field 4 is larger than the 10-byte limit"))
        #expect(error.line == 9)
        #expect(error.column == 4)
        #expect(CSVError.recordTooLarge(file: "u.csv", line: 3, limit: 10).column == nil)
        #expect(CSVError.cannotOpen(file: "u.csv", reason: "x").line == nil)
    }
}
