import Logging

/// A `LogHandler` for a person at a terminal: one compact line per event.
///
/// ```text
/// 2026-11-29T04:30:00.123Z warning acme run.end exit_code=75 reason="server busy" run finished
/// ```
///
/// Fields: timestamp (as in ``JSONLogHandler``), level, directory (`-` outside one), event, the data fields as
/// `key=value` sorted by key, then the message. `run_id` is left out to keep lines short; JSON lines carry it.
/// A string value is quoted, with JSON escapes, when it is empty or holds a space, `=`, `"`, `\` or a control
/// character; dictionaries and arrays are written as compact JSON; control characters in the message are
/// escaped, so an event is always one line. Metadata is merged and redacted exactly as in ``JSONLogHandler``.
public struct TextLogHandler: LogHandler {
    /// The logger's label; not written.
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let sink: LogSink
    private let clock: @Sendable () -> LogTimestamp

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - level: The least severe level written; `Logger` filters before calling the handler.
    ///   - metadataProvider: Contextual metadata merged into every event, e.g. from task-locals.
    ///   - sink: Where lines go; standard error unless a test captures them.
    ///   - clock: The time of each event; the real-time clock unless a test pins it.
    public init(
        label: String, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
        sink: LogSink = .standardError, clock: @escaping @Sendable () -> LogTimestamp = { LogTimestamp.now() }
    ) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.sink = sink
        self.clock = clock
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink.write(line(for: event))
    }

    /// The whole line for `event`, newline included.
    func line(for event: LogEvent) -> String {
        var fields = LogMetadata.merged(handler: metadata, provider: metadataProvider, event: event.metadata)
        fields.removeValue(forKey: LogField.runID)
        let directory = fields.removeValue(forKey: LogField.directory)
        let name = fields.removeValue(forKey: LogField.event)
        if let error = event.error, fields["error"] == nil { fields["error"] = .string(String(describing: error)) }

        var line = clock().rfc3339
        line.append(" ")
        line.append(event.level.rawValue)
        line.append(" ")
        line.append(directory.map(Self.value) ?? "-")
        line.append(" ")
        line.append(name.map(Self.value) ?? LogField.unnamedEvent)
        for key in fields.keys.sorted() {
            line.append(" ")
            line.append(Self.token(key))
            line.append("=")
            line.append(Self.value(fields[key]!))
        }
        line.append(" ")
        line.append(Self.singleLine(event.message.description))
        line.append("\n")
        return line
    }

    /// A value as one token: strings and numbers through ``token(_:)``; dictionaries and arrays as compact JSON,
    /// unquoted, since JSON escaping already keeps them on one line.
    private static func value(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let string): return token(string)
        case .stringConvertible(let convertible): return token(convertible.description)
        case .dictionary, .array:
            var json = ""
            JSONText.appendValue(value, to: &json)
            return json
        }
    }

    /// `text` as one whitespace-free token: unchanged when safe, else a quoted JSON string.
    static func token(_ text: String) -> String {
        let needsQuotes =
            text.isEmpty
            || text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || " =\"\\".unicodeScalars.contains($0) }
        guard needsQuotes else { return text }
        var quoted = ""
        JSONText.appendString(text, to: &quoted)
        return quoted
    }

    /// `text` with control characters escaped, unquoted: messages are constant text and read better bare.
    static func singleLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return text }
        var quoted = ""
        JSONText.appendString(text, to: &quoted)
        return String(quoted.dropFirst().dropLast())
    }
}
