import AudienceRunner
import Foundation
import Logging

/// Collects the lines a handler writes, from any thread.
final class CapturedLines: Sendable {
    private let storage = LockedLines()

    var sink: LogSink {
        let storage = storage
        return LogSink { line in storage.append(line) }
    }

    var lines: [String] { storage.all }

    /// The only line written; records an issue-free crash-free empty string when there is none.
    var single: String { lines.count == 1 ? lines[0] : "<\(lines.count) lines>" }
}

private final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

/// A JSON value as written, keeping booleans, numbers, strings and null apart.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case object([String: JSONValue])
    case array([JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let object = try? container.decode([String: JSONValue].self) {
            self = .object(object)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    /// Decodes one JSON line (trailing newline allowed) as an object.
    static func object(_ line: String) throws -> [String: JSONValue] {
        try JSONDecoder().decode([String: JSONValue].self, from: Data(line.utf8))
    }
}

/// 2026-11-29T04:30:00.123Z, for handlers whose output is compared whole.
let pinnedClock: @Sendable () -> LogTimestamp = { LogTimestamp(seconds: 1_795_926_600, milliseconds: 123) }

/// A logger writing JSON lines into `capture`, at `trace` so that nothing is filtered.
func jsonLogger(
    _ capture: CapturedLines, metadataProvider: Logger.MetadataProvider? = nil, level: Logger.Level = .trace
) -> Logger {
    Logger(label: "test") { label in
        JSONLogHandler(
            label: label, level: level, metadataProvider: metadataProvider, sink: capture.sink, clock: pinnedClock)
    }
}

/// A logger writing text lines into `capture`, at `trace`.
func textLogger(_ capture: CapturedLines, metadataProvider: Logger.MetadataProvider? = nil) -> Logger {
    Logger(label: "test") { label in
        TextLogHandler(label: label, level: .trace, metadataProvider: metadataProvider, sink: capture.sink, clock: pinnedClock)
    }
}

struct SampleError: Error, CustomStringConvertible {
    var description: String { "connection reset by peer" }
}
