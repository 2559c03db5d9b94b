import Testing

@testable import AudienceCSV

/// Multi-megabyte files read through small chunks: the realistic path, end to end.
struct CSVReaderStreamingTests {
    /// Builds `count` rows with quoted commas, doubled quotes, accents, emoji, embedded newlines
    /// and mixed line endings, and returns the bytes plus what each record must look like.
    static func makeFile(rows count: Int) -> (bytes: [UInt8], expected: [Row]) {
        var bytes = Array("id,email,display_name,city,note\n".utf8)
        var expected = [Row(line: 1, fields: ["id", "email", "display_name", "city", "note"])]
        var line = 2
        for i in 0..<count {
            let display = i % 3 == 0 ? "Müller, Zoë \(i)" : "Jean \"JJ\" Dupont \(i)"
            let city = ["Paris, France", "São Paulo", "東京", "Zürich 😀"][i % 4]
            let note = i % 50 == 0 ? "two\nlines" : ""
            let fields = ["\(i)", "user\(i)@example.com", display, city, note]
            let encoded = fields.map { field in
                field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                    ? "\"" + field.replacing("\"", with: "\"\"") + "\"" : field
            }
            bytes += Array(encoded.joined(separator: ",").utf8)
            bytes += i % 7 == 0 ? [0x0D, 0x0A] : [0x0A]
            expected.append(Row(line: line, fields: fields))
            line += i % 50 == 0 ? 2 : 1
        }
        return (bytes, expected)
    }

    @Test(arguments: [4096, 65_537, 1 << 20])
    func multiMegabyteFileStreamsThroughSmallChunks(chunkSize: Int) throws {
        let (bytes, expected) = Self.makeFile(rows: 40_000)
        #expect(bytes.count > 2_500_000)
        try withTemporaryFile(bytes) { path in
            let options = CSVOptions(maxFieldBytes: 1024, maxRecordBytes: 4096, chunkSize: chunkSize)
            let reader = try CSVReader(path: path, displayName: "users.csv", options: options)
            var index = 0
            var mismatches = 0
            try reader.forEachRecord { record in
                let row = Row(line: record.line, fields: record.strings(), issue: record.issue)
                if index >= expected.count || row != expected[index] {
                    mismatches += 1
                    if mismatches <= 3 { Issue.record("record \(index): got \(row)") }
                }
                index += 1
            }
            #expect(mismatches == 0)
            #expect(index == expected.count)
            #expect(reader.recordsRead == expected.count)
            #expect(reader.bytesRead == bytes.count)
            // Memory stays bounded by the options, not the file size.
            #expect(reader.capacity == chunkSize + 4096 + 1)
        }
    }

    @Test func errorDeepInALargeFileHasTheRightLine() throws {
        var (bytes, expected) = Self.makeFile(rows: 20_000)
        let badLine = expected.last!.line + 1
        bytes += Array("99999,x@example.com,".utf8) + [0xC3, 0x28] + Array(",Paris,\n".utf8)
        try withTemporaryFile(bytes) { path in
            let reader = try CSVReader(path: path, displayName: "users.csv", options: CSVOptions(chunkSize: 4093))
            var delivered = 0
            #expect(throws: CSVError.invalidUTF8(file: "users.csv", line: badLine, column: 3)) {
                try reader.forEachRecord { _ in delivered += 1 }
            }
            #expect(delivered == expected.count)
        }
    }

    @Test func truncatedUploadEndsInsideAQuote() throws {
        let (bytes, expected) = Self.makeFile(rows: 5_000)
        // Cut the file inside the quoted display name of the last record.
        let cut = Array(bytes[..<(bytes.count - 30)])
        try withTemporaryFile(cut) { path in
            let reader = try CSVReader(path: path, options: CSVOptions(chunkSize: 1000))
            var error: CSVError?
            do {
                try reader.forEachRecord { _ in }
            } catch let e as CSVError {
                error = e
            }
            #expect(error?.line == expected.last!.line)
            if case .unterminatedQuote = error {
            } else {
                Issue.record("expected unterminatedQuote, got \(String(describing: error))")
            }
        }
    }

    @Test func fieldSumsMatchAcrossChunkSizes() throws {
        let (bytes, _) = Self.makeFile(rows: 10_000)
        var sums: [Int] = []
        for chunkSize in [1, 7, 4096, 1 << 20] {
            let reader = CSVReader(bytes: bytes, options: CSVOptions(chunkSize: chunkSize))
            var sum = 0
            try reader.forEachRecord { record in
                for index in 0..<record.count { sum &+= record.withField(index) { $0.reduce(0) { $0 &+ Int($1) } } }
            }
            sums.append(sum)
        }
        #expect(Set(sums).count == 1)
    }
}
