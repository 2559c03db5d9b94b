import Logging

/// The metadata keys and event names that the log handlers give a meaning to.
///
/// Call sites name the event with the `event` metadata key and set `run_id` and `directory` on the logger;
/// every other key is data and becomes a field of its own.
public enum LogField {
    /// The stable dotted name of what happened, e.g. `run.start`.
    public static let event = "event"
    /// The id of the run, set once on the logger of each run.
    public static let runID = "run_id"
    /// The configured directory id, set on the logger of each directory.
    public static let directory = "directory"

    /// What `event` reads when a call site named none: grep for it to find unnamed log calls.
    public static let unnamedEvent = "log.unnamed"

    /// Keys whose values never reach a log line, whatever their prefix (`sftp.passphrase` too).
    public static let redactedKeys: Set<String> = ["passphrase", "password", "private_key_material", "secret"]
    /// What a redacted value is replaced with.
    public static let redactedValue = "[redacted]"
}

/// Metadata as the handlers see it: merged, then redacted.
enum LogMetadata {
    /// Merges the three sources of metadata: the handler's (`logger[metadataKey:]`), then the metadata provider's,
    /// then the event's; a later source wins on a key collision.
    static func merged(
        handler: Logger.Metadata, provider: Logger.MetadataProvider?, event: Logger.Metadata?
    ) -> Logger.Metadata {
        var merged = handler
        if let provided = provider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let event, !event.isEmpty {
            merged.merge(event) { _, new in new }
        }
        return redacted(merged)
    }

    /// Replaces the value of every secret-named key, at any depth, with ``LogField/redactedValue``.
    static func redacted(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var result = metadata
        for (key, value) in metadata {
            if isSecret(key) {
                result[key] = .string(LogField.redactedValue)
            } else if let cleaned = redacted(value) {
                result[key] = cleaned
            }
        }
        return result
    }

    /// The value with nested secrets redacted, or nil when nothing in it needed redacting.
    private static func redacted(_ value: Logger.MetadataValue) -> Logger.MetadataValue? {
        switch value {
        case .string, .stringConvertible:
            return nil
        case .dictionary(let nested):
            return .dictionary(redacted(nested))
        case .array(let items):
            return .array(items.map { redacted($0) ?? $0 })
        }
    }

    /// True for `password`, `sftp.password`, `Password`: the last dotted component, case-insensitively.
    static func isSecret(_ key: String) -> Bool {
        let last = key.split(separator: ".", omittingEmptySubsequences: false).last.map(String.init) ?? key
        return LogField.redactedKeys.contains(last.lowercased())
    }
}
