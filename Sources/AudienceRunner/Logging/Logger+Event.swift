import Logging

extension Logger {
    /// Logs `message` as the event `event`: shorthand for putting the name under the `event` metadata key.
    ///
    /// ```swift
    /// logger.event("guard.held", level: .warning, "removal guard held the run", metadata: ["removed": "\(n)"])
    /// ```
    ///
    /// - Parameters:
    ///   - event: The stable dotted event name, e.g. `run.start`; it wins over an `event` key in `metadata`.
    ///   - level: The level, `.info` unless given.
    ///   - message: Constant text; data goes in `metadata`.
    ///   - metadata: The event's data fields, with dotted keys such as `"sftp.host"`.
    ///   - error: An error to attach; written as the `error` field unless `metadata` has one.
    public func event(
        _ event: String, level: Logger.Level = .info, _ message: @autoclosure () -> Logger.Message,
        metadata: @autoclosure () -> Logger.Metadata? = nil, error: @autoclosure () -> (any Error)? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        guard logLevel <= level else { return }
        var fields = metadata() ?? [:]
        fields[LogField.event] = .string(event)
        log(level: level, message(), error: error(), metadata: fields, file: file, function: function, line: line)
    }
}
