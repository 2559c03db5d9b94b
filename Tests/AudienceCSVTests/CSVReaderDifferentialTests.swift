import Testing

@testable import AudienceCSV

/// Random inputs built from the bytes that matter (quotes, commas, CR, LF, UTF-8 and broken
/// UTF-8, NUL), parsed by the reader at several chunk sizes and by a deliberately naive
/// byte-at-a-time reference parser that follows the same documented rules. Any disagreement in
/// records, line numbers, issues or errors is a bug in one of them.
struct CSVReaderDifferentialTests {
    enum Outcome: Equatable {
        case records([Row])
        case failure(CSVError)
    }

    /// The documented dialect, written for obviousness rather than speed.
    static func reference(_ input: [UInt8]) -> Outcome {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        var b = input
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b.removeFirst(3) }
        let n = b.count
        var i = 0
        var line = 1
        var result: [Row] = []
        func isDelimiter(_ byte: UInt8) -> Bool { byte == comma || byte == lf || byte == cr }
        while i < n {
            if b[i] == lf {
                line += 1
                i += 1
                continue
            }
            if b[i] == cr {
                i += 1
                if i < n && b[i] == lf { i += 1 }
                line += 1
                continue
            }
            let recordLine = line
            var fields: [[UInt8]] = []
            var issue: CSVRecordIssue?
            var invalidAfterQuote: Set<Int> = []
            while true {
                var field: [UInt8] = []
                let column = fields.count + 1
                if i < n && b[i] == quote {
                    let quoteLine = line
                    i += 1
                    while true {
                        guard i < n else { return .failure(.unterminatedQuote(file: "test.csv", line: quoteLine)) }
                        let c = b[i]
                        if c == 0 { return .failure(.nulByte(file: "test.csv", line: line, column: column)) }
                        if c == quote {
                            if i + 1 < n && b[i + 1] == quote {
                                field.append(quote)
                                i += 2
                                continue
                            }
                            i += 1
                            break
                        }
                        if c == lf { line += 1 }
                        field.append(c)
                        i += 1
                    }
                    if i < n && !isDelimiter(b[i]) {
                        issue = issue ?? .textAfterClosingQuote(column: column)
                        var skipped: [UInt8] = []
                        while i < n && !isDelimiter(b[i]) {
                            if b[i] == 0 { return .failure(.nulByte(file: "test.csv", line: line, column: column)) }
                            skipped.append(b[i])
                            i += 1
                        }
                        // Text after the closing quote is dropped, but must be UTF-8 like the rest of the file.
                        if String(validating: skipped, as: UTF8.self) == nil { invalidAfterQuote.insert(column) }
                    }
                } else {
                    while i < n && !isDelimiter(b[i]) {
                        if b[i] == 0 { return .failure(.nulByte(file: "test.csv", line: line, column: column)) }
                        if b[i] == quote { issue = issue ?? .bareQuote(column: column) }
                        field.append(b[i])
                        i += 1
                    }
                }
                fields.append(field)
                if i < n && b[i] == comma {
                    i += 1
                    continue
                }
                if i < n {
                    if b[i] == cr && i + 1 < n && b[i + 1] == lf { i += 1 }
                    i += 1
                    line += 1
                }
                break
            }
            var strings: [String] = []
            for (index, field) in fields.enumerated() {
                guard let string = String(validating: field, as: UTF8.self), !invalidAfterQuote.contains(index + 1) else {
                    return .failure(.invalidUTF8(file: "test.csv", line: recordLine, column: index + 1))
                }
                strings.append(string)
            }
            result.append(Row(line: recordLine, fields: strings, issue: issue))
        }
        return .records(result)
    }

    static func outcome(_ input: [UInt8], chunkSize: Int) -> Outcome {
        do {
            return .records(try rows(input, options: CSVOptions(chunkSize: chunkSize)))
        } catch let error as CSVError {
            return .failure(error)
        } catch {
            return .records([])
        }
    }

    /// Deterministic inputs (SplitMix64) so a failure can be reproduced from its seed.
    static func randomInput(seed: UInt64) -> [UInt8] {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // Weighted so that most inputs are valid CSV and the rest fail in every possible way.
        let pieces: [[UInt8]] = [
            [0x61], [0x62], [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69], [0x2C], [0x2C], [0x22], [0x22],
            [0x22, 0x22], [0x0A], [0x0D, 0x0A], [0x0D], [0x20], [0x09], [0xC3, 0xA9], [0xF0, 0x9F, 0x98, 0x80],
            [0xE2, 0x82, 0xAC],
        ]
        let rare: [[UInt8]] = [[0x00], [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF]]
        var bytes: [UInt8] = next() % 10 == 0 ? [0xEF, 0xBB, 0xBF] : []
        let length = Int(next() % 40)
        for _ in 0..<length {
            let roll = next() % 100
            bytes += roll < 3 ? rare[Int(next() % UInt64(rare.count))] : pieces[Int(next() % UInt64(pieces.count))]
        }
        return bytes
    }

    @Test(arguments: 0..<8)
    func readerMatchesReferenceParser(batch: Int) {
        var disagreements = 0
        var failures = 0
        for seed in UInt64(batch * 500)..<UInt64(batch * 500 + 500) {
            let input = Self.randomInput(seed: seed)
            let expected = Self.reference(input)
            if case .failure = expected { failures += 1 }
            for chunkSize in [1, 2, 3, 5, 8, 64] {
                let actual = Self.outcome(input, chunkSize: chunkSize)
                if actual != expected {
                    disagreements += 1
                    if disagreements <= 3 {
                        Issue.record("seed \(seed) chunk \(chunkSize) input \(input): got \(actual), want \(expected)")
                    }
                }
            }
        }
        #expect(disagreements == 0)
        // Both paths must be exercised: a generator that only makes errors (or none) proves little.
        #expect(failures > 20 && failures < 400)
    }
}
