import Testing

@testable import AudienceCSV

/// Inputs found by the libFuzzer harness (Tests/Fuzz/), reduced to what they exercise.
struct CSVReaderFuzzRegressionTests {
    /// A quoted field that passes the field limit and then meets a NUL: a single buffer reaches the
    /// NUL first, a chunk boundary checks the limit first. Both refuse the file at a position inside
    /// it, and both deliver the same records before the error (the harness asserts exactly this).
    @Test func nulAfterAnOversizedQuotedFieldIsRefusedWhateverTheChunkSize() throws {
        let bytes = Array("h\n\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: 10) + Array("\n\n\n\n".utf8)
            + Array(repeating: UInt8(ascii: "y"), count: 290) + [0] + Array("\"\n".utf8)
        for chunkSize in boundaryChunkSizes {
            let options = CSVOptions(maxFieldBytes: 300, maxRecordBytes: 700, chunkSize: chunkSize)
            let reader = CSVReader(bytes: bytes, displayName: "test.csv", options: options)
            var lines: [Int] = []
            var error: CSVError?
            do {
                try reader.forEachRecord { lines.append($0.line) }
            } catch let caught as CSVError {
                error = caught
            }
            #expect(lines == [1], "chunk \(chunkSize)")
            let refused =
                error == .nulByte(file: "test.csv", line: 6, column: 1)
                || error == .fieldTooLarge(file: "test.csv", line: 2, column: 1, limit: 300)
            #expect(refused, "chunk \(chunkSize): \(String(describing: error))")
        }
        // With the whole file in one buffer the NUL is what is reported.
        let whole = csvError(bytes, options: CSVOptions(maxFieldBytes: 300, maxRecordBytes: 700))
        #expect(whole == .nulByte(file: "test.csv", line: 6, column: 1))
    }
}
