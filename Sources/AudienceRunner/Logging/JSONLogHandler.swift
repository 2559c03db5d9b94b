import Logging

/// A `LogHandler` that writes one JSON object per event, on one line, for journald or a log shipper.
///
/// Every line starts with the same six fields, in this order, then the event's data fields sorted by key:
///
/// ```json
/// {"ts":"2026-11-29T04:30:00.123Z","level":"warning","run_id":"42","directory":"acme","event":"guard.held","message":"removal guard held the run","removed":"812"}
/// ```
///
/// - `ts`: RFC 3339 in UTC with milliseconds (``LogTimestamp``).
/// - `run_id`, `directory`: from the metadata keys of the same names; `null` outside a run or a directory.
/// - `event`: from the `event` metadata key; ``LogField/unnamedEvent`` when a call site named none.
/// - `message`: the constant text passed to the logger.
/// - Every other metadata key is a top-level field under its own name (`"sftp.host"` stays dotted). A key that
///   would collide with `ts`, `level` or `message` is written as `meta.ts`, `meta.level`, `meta.message`.
/// - `error`: the description of the event's `error:` argument, when given and no `error` metadata is set.
///
/// Metadata is merged handler → metadata provider → event (the event wins), then secret-named keys are
/// redacted (``LogField/redactedKeys``). Value types map to JSON as ``JSONText`` describes: `.string` stays a
/// string, `.stringConvertible` `Int`/`Double`/`Bool` become numbers and booleans.
public struct JSONLogHandler: LogHandler {
    /// The logger's label; not written, the `event` field names what happened.
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
        let runID = fields.removeValue(forKey: LogField.runID)
        let directory = fields.removeValue(forKey: LogField.directory)
        let name = fields.removeValue(forKey: LogField.event) ?? .string(LogField.unnamedEvent)
        for reserved in ["ts", "level", "message"] {
            if let value = fields.removeValue(forKey: reserved) { fields["meta." + reserved] = value }
        }
        if let error = event.error, fields["error"] == nil { fields["error"] = .string(String(describing: error)) }

        var line = "{\"ts\":\""
        line.reserveCapacity(256)
        line.append(clock().rfc3339)
        line.append("\",\"level\":\"")
        line.append(event.level.rawValue)
        line.append("\",\"run_id\":")
        appendOptional(runID, to: &line)
        line.append(",\"directory\":")
        appendOptional(directory, to: &line)
        line.append(",\"event\":")
        JSONText.appendValue(name, to: &line)
        line.append(",\"message\":")
        JSONText.appendString(event.message.description, to: &line)
        for key in fields.keys.sorted() {
            line.append(",")
            JSONText.appendString(key, to: &line)
            line.append(":")
            JSONText.appendValue(fields[key]!, to: &line)
        }
        line.append("}\n")
        return line
    }

    private func appendOptional(_ value: Logger.MetadataValue?, to line: inout String) {
        if let value { JSONText.appendValue(value, to: &line) } else { line.append("null") }
    }
}
