import AudienceCore
import AudienceSFTP

/// A run-level failure that is neither the server's nor the files'.
enum RunnerFailure: Error, CustomStringConvertible {
    /// The export changed under us; try again later (75).
    case notReady(String)
    /// The staging directory cannot be used (74).
    case staging(path: String, message: String)

    var description: String {
        switch self {
        case .notReady(let reason): return reason
        case .staging(let path, let message): return "\(path): cannot use the staging directory: \(message)"
        }
    }
}

extension DirectoryRunner {
    static func outcome(of report: SyncReport, directory: String) -> DirectoryOutcome {
        switch report.outcome {
        case .applied:
            return DirectoryOutcome(
                directory: directory, kind: .applied, exitCode: 0, message: report.counts.summary, report: report)
        case .unchanged:
            return DirectoryOutcome(
                directory: directory, kind: .unchanged, exitCode: 0,
                message: "the files are identical to the last applied run (same SHA-256); nothing to do", report: report)
        case .dryRun:
            return DirectoryOutcome(
                directory: directory, kind: .dryRun, exitCode: 0, message: report.counts.summary, report: report)
        case .held:
            return DirectoryOutcome(
                directory: directory, kind: .held, exitCode: 65,
                message: "the run would remove \(report.counts.removed) of \(report.membersBefore) members, more than "
                    + "the removal guard allows; nothing was applied (\(report.counts.summary))", report: report)
        }
    }

    /// Maps any error of a run to an outcome with the documented exit code.
    static func outcome(of error: any Error, directory: String) -> DirectoryOutcome {
        let code: Int32
        var kind = DirectoryOutcome.Kind.failed
        switch error {
        case let error as SFTPError: code = error.exitCode
        case let error as ValidationError: code = error.exitCode
        case let error as StoreError: code = error.exitCode
        case let error as RunLockError: code = error.exitCode
        case let error as ConfigurationError: code = error.exitCode
        case RunnerFailure.notReady:
            code = 75
            kind = .notReady
        default: code = 74
        }
        return DirectoryOutcome(
            directory: directory, kind: kind, exitCode: code, message: "\(error)", refusal: error as? ValidationError)
    }
}
