import AudienceCore
import AudienceSFTP

/// The per-directory tuning values after inheritance: built-in defaults, then `defaults:`, then the directory.
struct Tuning: Equatable {
    var attributes = AttributeSelection.none
    var settle = DirectoryConfiguration.defaultSettle
    var minAge = DirectoryConfiguration.defaultMinAge
    var interval = DirectoryConfiguration.defaultInterval
    var connectTimeout = DirectoryConfiguration.defaultConnectTimeout
    var operationTimeout = DirectoryConfiguration.defaultOperationTimeout
    var deadline = DirectoryConfiguration.defaultDeadline
    var maxFileSize = DownloadOptions().maxBytes
    var maxRemovals = RemovalGuard().maxCount
    var maxRemovalPercent = RemovalGuard().maxPercent
    var maxRejectedPercent = RejectLimit().maxPercent
    var allowMassRemoval = false
}

extension ConfigurationResolver {
    /// `base` with every key `section` sets replaced, each checked at its own path.
    func tuning(
        _ section: TuningSection, at path: ConfigurationKeyPath, over base: Tuning
    ) throws(ConfigurationError) -> Tuning {
        var result = base
        if let list = section.attributes {
            do {
                result.attributes = try AttributeSelection(parsing: list.text)
            } catch {
                guard case .unknownAttribute(let name) = error else { throw invalid(path, list.text, "\(error)") }
                let known = Attribute.allCases.map(\.rawValue)
                let hint =
                    KeySuggestion.closest(to: name, in: known).map { "did you mean '\($0)'?" }
                    ?? "use all, none or names from: \(known.joined(separator: ", "))"
                throw invalid(path.appending("attributes"), list.text, "unknown attribute '\(name)' (\(hint))")
            }
        }
        // Zero disables settling and the age check; a zero interval, timeout or deadline would fail every run.
        if let text = section.settle { result.settle = try duration(text, at: path.appending("settle"), zero: true) }
        if let text = section.minAge { result.minAge = try duration(text, at: path.appending("min_age"), zero: true) }
        if let text = section.interval { result.interval = try duration(text, at: path.appending("interval")) }
        if let text = section.connectTimeout {
            result.connectTimeout = try duration(text, at: path.appending("connect_timeout"))
        }
        if let text = section.operationTimeout {
            result.operationTimeout = try duration(text, at: path.appending("operation_timeout"))
        }
        if let text = section.deadline { result.deadline = try duration(text, at: path.appending("deadline")) }
        if let text = section.maxFileSize {
            switch ByteSizeSyntax.parseOrExplain(text) {
            case .success(let bytes): result.maxFileSize = bytes
            case .failure(let problem): throw invalid(path.appending("max_file_size"), text, problem.reason)
            }
        }
        if let count = section.maxRemovals {
            guard count >= 0 else { throw invalid(path.appending("max_removals"), "\(count)", "it cannot be negative") }
            result.maxRemovals = count
        }
        if let value = section.maxRemovalPercent {
            result.maxRemovalPercent = try percentage(value, at: path.appending("max_removal_percent"))
        }
        if let value = section.maxRejectedPercent {
            result.maxRejectedPercent = try percentage(value, at: path.appending("max_rejected_percent"))
        }
        if let value = section.allowMassRemoval { result.allowMassRemoval = value }
        return result
    }

    private func duration(
        _ text: String, at path: ConfigurationKeyPath, zero: Bool = false
    ) throws(ConfigurationError) -> Duration {
        switch DurationSyntax.parseOrExplain(text) {
        case .failure(let problem):
            throw invalid(path, text, problem.reason)
        case .success(let duration):
            guard zero || duration > .zero else { throw invalid(path, text, "it must be longer than 0") }
            return duration
        }
    }

    private func percentage(_ value: Double, at path: ConfigurationKeyPath) throws(ConfigurationError) -> Double {
        guard value.isFinite, (0...100).contains(value) else {
            let text = value.rounded() == value && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
            throw invalid(path, text, "a percentage is 0 to 100")
        }
        return value
    }
}
