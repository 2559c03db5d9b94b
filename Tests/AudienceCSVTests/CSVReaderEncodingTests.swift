import Testing

@testable import AudienceCSV

struct CSVReaderEncodingTests {
    @Test func utf8ByteOrderMarkIsStripped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,name\n1,Zoë\n".utf8)
        for chunkSize in boundaryChunkSizes {
            let result = try rows(bytes, options: CSVOptions(chunkSize: chunkSize))
            #expect(result == [Row(line: 1, fields: ["id", "name"]), Row(line: 2, fields: ["1", "Zoë"])])
        }
    }

    @Test func byteOrderMarkOnlyCountsAtTheStart() throws {
        // U+FEFF later in the file is ordinary (valid) text, not stripped.
        #expect(try rows("a,\u{FEFF}b\n") == [Row(line: 1, fields: ["a", "\u{FEFF}b"])])
    }

    @Test(
        arguments: [
            ("UTF-16 LE", [0xFF, 0xFE, 0x69, 0x00, 0x64, 0x00]),
            ("UTF-16 BE", [0xFE, 0xFF, 0x00, 0x69, 0x00, 0x64]),
            ("UTF-32 LE", [0xFF, 0xFE, 0x00, 0x00, 0x69, 0x00, 0x00, 0x00]),
            ("UTF-32 BE", [0x00, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x00, 0x69]),
        ] as [(String, [UInt8])])
    func wideByteOrderMarksAreRejected(name: String, bytes: [UInt8]) {
        for chunkSize in boundaryChunkSizes {
            #expect(csvError(bytes, options: CSVOptions(chunkSize: chunkSize)) == .utf16(file: "test.csv"), "\(name)")
        }
    }

    @Test func utf16ErrorSaysReExport() {
        #expect(CSVError.utf16(file: "users.csv").description.contains("re-export as UTF-8"))
    }

    @Test(arguments: [
        // (input, line, column of the NUL)
        ("a\0b,c\n", 1, 1),
        ("a,b\nc,d\0\n", 2, 2),
        ("a,b\n\"x\ny\0\",z\n", 3, 1),
        ("a\n\0\n", 2, 1),
        ("\"ab\"\0,c\n", 1, 1),
        ("a,b,c\0", 1, 3),
    ])
    func nulByteIsAnError(text: String, line: Int, column: Int) {
        for chunkSize in boundaryChunkSizes {
            let error = csvError(text, options: CSVOptions(chunkSize: chunkSize))
            #expect(error == .nulByte(file: "test.csv", line: line, column: column), "chunk \(chunkSize)")
        }
    }

    @Test func utf16WithoutByteOrderMarkIsCaughtAsNul() {
        let bytes = Array("id,name\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(csvError(bytes) == .nulByte(file: "test.csv", line: 1, column: 1))
    }

    /// Bad byte sequences, each placed in field 2 of line 3.
    @Test(
        arguments: [
            ("lone continuation byte", [0x80]),
            ("C0 overlong lead", [0xC0, 0xAF]),
            ("C1 overlong lead", [0xC1, 0xBF]),
            ("E0 overlong", [0xE0, 0x80, 0xAF]),
            ("F0 overlong", [0xF0, 0x80, 0x80, 0xAF]),
            ("surrogate D800", [0xED, 0xA0, 0x80]),
            ("surrogate DFFF", [0xED, 0xBF, 0xBF]),
            ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
            ("F5 lead", [0xF5, 0x80, 0x80, 0x80]),
            ("FF byte", [0xFF]),
            ("truncated 2-byte", [0xC3]),
            ("truncated 3-byte", [0xE2, 0x82]),
            ("truncated 4-byte", [0xF0, 0x9F, 0x98]),
            ("missing continuation", [0xC3, 0x41]),
            ("Latin-1 é", [0x63, 0x61, 0x66, 0xE9]),
        ] as [(String, [UInt8])])
    func invalidUTF8IsReportedWithLineAndField(name: String, bad: [UInt8]) {
        for quoted in [false, true] {
            let field: [UInt8] = quoted ? [0x22] + bad + [0x22] : bad
            let bytes = Array("id,name\n\"multi\nline\",ok\n1,".utf8) + field + Array(",x\n2,y,z\n".utf8)
            for chunkSize in boundaryChunkSizes {
                let error = csvError(bytes, options: CSVOptions(chunkSize: chunkSize))
                #expect(error == .invalidUTF8(file: "test.csv", line: 4, column: 2), "\(name) quoted=\(quoted)")
            }
        }
    }

    /// Text after a closing quote is dropped from the field, but the file is still refused when it is
    /// not UTF-8 (found by the diff property tests, seeds 311, 903 and 1983), in column order.
    @Test func invalidUTF8AfterAClosingQuoteIsRefused() {
        let bytes = Array("id,name,x\n1,\"A\"".utf8) + [0xC3, 0x28] + Array(",ok\n".utf8)
        for chunkSize in boundaryChunkSizes {
            #expect(
                csvError(bytes, options: CSVOptions(chunkSize: chunkSize))
                    == .invalidUTF8(file: "test.csv", line: 2, column: 2), "chunk \(chunkSize)")
        }
        // An earlier field's invalid bytes are reported first, as for any two invalid fields.
        let earlier = Array("id,name,x\n".utf8) + [0xE9] + Array(",\"A\"".utf8) + [0xC3, 0x28] + Array(",ok\n".utf8)
        #expect(csvError(earlier) == .invalidUTF8(file: "test.csv", line: 2, column: 1))
        // Valid text after the quote stays a row-level issue.
        #expect(csvError(Array("id,name,x\n1,\"A\"é,ok\n".utf8)) == nil)
    }

    @Test(arguments: [0, 62, 63, 64, 99])
    func invalidUTF8IsFoundInAnyOfManyFields(badIndex: Int) {
        var fields = (0..<100).map { Array("é\($0)".utf8) }
        fields[badIndex] = [0x61, 0xE9, 0x62]
        let bytes = Array(fields.joined(separator: [0x2C])) + [0x0A]
        #expect(csvError(bytes) == .invalidUTF8(file: "test.csv", line: 1, column: badIndex + 1))
    }

    @Test func controlBytesOtherThanLineEndsAreOrdinaryText() throws {
        // TAB, VT, FF and friends share a fast-path test with NUL/LF/CR and must be passed through.
        let controls = (1...0x1F).filter { $0 != 0x0A && $0 != 0x0D }.map { Character(Unicode.Scalar(UInt8($0))) }
        let text = String(controls)
        let input = "a\tb,\"c\td\u{0B}\",\(text)\n\"\(text)\",\u{0C}\n"
        for chunkSize in boundaryChunkSizes {
            let result = try rows(input, chunkSize: chunkSize)
            #expect(
                result == [
                    Row(line: 1, fields: ["a\tb", "c\td\u{0B}", text]), Row(line: 2, fields: [text, "\u{0C}"]),
                ], "chunk \(chunkSize)")
        }
    }

    @Test func invalidUTF8MessageNamesFileLineAndField() {
        let error = CSVError.invalidUTF8(file: "users.csv", line: 12, column: 3)
        #expect(error.description.hasPrefix("users.csv:12: invalid UTF-8 in field 3"))
        #expect(error.file == "users.csv")
        #expect(error.line == 12)
        #expect(error.column == 3)
    }

    @Test(arguments: [
        ("2-byte", "é"), ("3-byte", "€"), ("4-byte", "😀"), ("max", "\u{10FFFF}"),
        ("edge before surrogates", "\u{D7FF}"),
        ("edge after surrogates", "\u{E000}"), ("long mixed", "abcdefgh€ijklmnop😀qrstuvwxyzé"),
    ])
    func validMultiByteSequencesPass(name: String, text: String) throws {
        #expect(try rows("\(text),\"\(text)\"\n") == [Row(line: 1, fields: [text, text])], "\(name)")
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) })
    }

    @Test func validatorAgreesWithTheStandardLibrary() {
        // Every 1- and 2-byte sequence, plus 3-byte ones starting E0/ED/EF: compare with String(validating:).
        var inputs: [[UInt8]] = []
        for a in 0...255 {
            inputs.append([UInt8(a)])
            for b in 0...255 { inputs.append([UInt8(a), UInt8(b)]) }
        }
        for lead in [0xE0, 0xED, 0xEF, 0xF0, 0xF4] as [UInt8] {
            for b in 0x70...0xC5 {
                inputs.append([lead, UInt8(b), 0x80]); inputs.append([lead, UInt8(b), 0x80, 0x80])
            }
        }
        var mismatches = 0
        for input in inputs {
            let ours = input.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
            let stdlib = String(validating: input, as: UTF8.self) != nil
            if ours != stdlib { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}
