// libFuzzer entry point for the CSV reader, the users.csv row validator and the user_groups.csv scanner.
//
// Not a SwiftPM target: deploy/dev/fuzz.sh compiles it with `swiftc -sanitize=fuzzer,address`
// together with the AudienceCSV module and the few AudienceCore files the scanners need, so
// the normal `swift build` neither builds nor waits for it.
//
// Every input must end in records or a positioned error. Anything else traps, and libFuzzer
// saves the input: a crash, a hang (-timeout) and a memory blow-up (-rss_limit_mb) are caught by
// libFuzzer itself, a wrong answer by the checks below.

import AudienceCSV
import Foundation

/// One parse outcome, comparable across chunk sizes.
struct ParseOutcome: Equatable {
    var records: [[[UInt8]]] = []
    var lines: [Int] = []
    var issues: [CSVRecordIssue?] = []
    var error: CSVError?
}

/// Limits well below the fuzzer's `-max_len` so the limit errors are reached too.
let fieldLimit = 300
let recordLimit = 700

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let shape = InputShape(bytes)

    // One chunk holds the whole input; the other cuts it every 1 to 13 bytes, so every record
    // straddles chunk boundaries. Both must tell exactly the same story.
    let whole = parse(bytes, chunkSize: 1 << 16)
    let chunked = parse(bytes, chunkSize: 1 + (bytes.count &* 7 + Int(bytes.first ?? 0)) % 13)
    check(whole, shape: shape)
    guard sameStory(whole, chunked) else {
        fatalError("chunked parse differs: \(summary(whole)) vs \(summary(chunked))")
    }
    check(chunked, shape: shape)
    if let expected = shape.plainSplit(fieldLimit: fieldLimit, recordLimit: recordLimit) {
        guard whole.error == nil, whole.records == expected else {
            fatalError("quote-free input parsed differently from a plain split: \(summary(whole))")
        }
    }
    ValidatorCheck.run(bytes, shape: shape)
    MembershipCheck.run(bytes, shape: shape)
    return 0
}

func parse(_ bytes: [UInt8], chunkSize: Int) -> ParseOutcome {
    let options = CSVOptions(maxFieldBytes: fieldLimit, maxRecordBytes: recordLimit, chunkSize: chunkSize)
    let reader = CSVReader(bytes: bytes, displayName: "fuzz.csv", options: options)
    var outcome = ParseOutcome()
    do {
        try reader.forEachRecord { record in
            outcome.records.append((0..<record.count).map { Array(record.fieldBytes($0)) })
            outcome.lines.append(record.line)
            outcome.issues.append(record.issue)
        }
    } catch let error as CSVError {
        outcome.error = error
    } catch {
        fatalError("forEachRecord threw a non-CSV error: \(error)")
    }
    return outcome
}

/// The invariants of one outcome: positions inside the input, fields valid UTF-8, and errors that
/// an in-memory source can actually produce.
func check(_ outcome: ParseOutcome, shape: InputShape) {
    var previous = 0
    for (index, fields) in outcome.records.enumerated() {
        let line = outcome.lines[index]
        guard line > previous, line <= shape.maxLine else {
            fatalError("record \(index) has line \(line) (previous \(previous), input has \(shape.maxLine))")
        }
        previous = line
        guard !fields.isEmpty else { fatalError("record \(index) has no fields") }
        for field in fields where String(validating: field, as: UTF8.self) == nil {
            fatalError("record \(index) delivered a field that is not UTF-8")
        }
        if let issue = outcome.issues[index], !(1...fields.count).contains(issue.column) {
            fatalError("record \(index) has an issue in column \(issue.column) of \(fields.count)")
        }
    }
    guard let error = outcome.error else { return }
    guard error.file == "fuzz.csv" else { fatalError("error names \(error.file)") }
    switch error {
    case .cannotOpen, .readFailed:
        fatalError("I/O error from an in-memory source: \(error)")
    case .utf16:
        guard shape.startsWithWideBOM else { fatalError("UTF-16 reported without its byte-order mark") }
    default:
        guard let line = error.line, line >= max(1, previous), line <= shape.maxLine else {
            fatalError("error \(error) is outside the input (\(shape.maxLine) lines, last record \(previous))")
        }
        if let column = error.column, !(1...shape.maxColumn).contains(column) {
            fatalError("error \(error) names a column past \(shape.maxColumn)")
        }
        guard !error.description.isEmpty, error.description.hasPrefix("fuzz.csv:\(line):") else {
            fatalError("error message does not start with file:line: \(error.description)")
        }
    }
}

/// Same records, and the same error; except that when one of the two errors is a size limit the
/// other may be a different fault: a whole buffer meets a NUL or the end of the file before the
/// field ends, while a chunk boundary checks the limits first. Either way the file is refused.
func sameStory(_ a: ParseOutcome, _ b: ParseOutcome) -> Bool {
    guard a.records == b.records, a.lines == b.lines, a.issues == b.issues else { return false }
    guard let first = a.error, let second = b.error else { return a.error == nil && b.error == nil }
    return first == second || isLimit(first) || isLimit(second)
}

func isLimit(_ error: CSVError) -> Bool {
    switch error {
    case .fieldTooLarge, .recordTooLarge: return true
    default: return false
    }
}

func summary(_ outcome: ParseOutcome) -> String {
    "\(outcome.records.count) records, lines \(outcome.lines.prefix(8)), error \(String(describing: outcome.error))"
}
