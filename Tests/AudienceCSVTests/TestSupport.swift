import Foundation
import Testing

@testable import AudienceCSV

/// A record copied out of the callback so tests can compare whole files at once.
struct Row: Equatable, CustomStringConvertible {
    var line: Int
    var fields: [String]
    var issue: CSVRecordIssue? = nil

    var description: String { "\(line): \(fields)\(issue.map { " [\($0)]" } ?? "")" }
}

/// Chunk sizes that put a boundary on every byte, at odd offsets, and nowhere at all.
let boundaryChunkSizes = [1, 2, 3, 7, 64, 1 << 20]

/// Parses in-memory bytes and copies every record out.
func rows(_ bytes: [UInt8], options: CSVOptions = CSVOptions()) throws -> [Row] {
    let reader = CSVReader(bytes: bytes, displayName: "test.csv", options: options)
    return try collect(reader)
}

/// Parses the UTF-8 of `text` and copies every record out.
func rows(_ text: String, chunkSize: Int = 1 << 20) throws -> [Row] {
    try rows(Array(text.utf8), options: CSVOptions(chunkSize: chunkSize))
}

func collect(_ reader: CSVReader) throws -> [Row] {
    var result: [Row] = []
    try reader.forEachRecord { record in
        result.append(Row(line: record.line, fields: record.strings(), issue: record.issue))
    }
    return result
}

/// The CSVError thrown while parsing `bytes`, or nil when parsing succeeds.
func csvError(_ bytes: [UInt8], options: CSVOptions = CSVOptions()) -> CSVError? {
    do {
        _ = try rows(bytes, options: options)
        return nil
    } catch let error as CSVError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

func csvError(_ text: String, options: CSVOptions = CSVOptions()) -> CSVError? {
    csvError(Array(text.utf8), options: options)
}

/// Writes `bytes` to a uniquely named temp file, runs `body` with its path, and removes it.
func withTemporaryFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("audiencecsv-\(UUID().uuidString).csv")
    try Data(bytes).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}
