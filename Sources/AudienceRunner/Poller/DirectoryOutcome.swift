import AudienceCore

/// How one directory's run ended: what to print, and the exit code it contributes.
public struct DirectoryOutcome: Sendable {
    public enum Kind: String, Sendable {
        case applied
        case unchanged
        case held
        case dryRun = "dry-run"
        /// The export is still being uploaded, or too fresh: try again later.
        case notReady = "not-ready"
        /// Nothing waiting on the server (archive or delete mode).
        case noFiles = "no-files"
        /// The run failed; `message` says why.
        case failed
    }

    public var directory: String
    public var kind: Kind
    public var exitCode: Int32
    /// One line for the operator (without the directory prefix).
    public var message: String
    public var report: SyncReport?
    /// The file-level error that refused the export, if that is how the run ended.
    public var refusal: ValidationError?

    /// `acme: applied: 3 added, ...`.
    public var summaryLine: String {
        switch kind {
        case .failed: return "\(directory): failed: \(message)"
        case .notReady: return "\(directory): not ready: \(message)"
        case .noFiles: return "\(directory): no files: \(message)"
        case .dryRun: return "\(directory): dry run (nothing written): \(message)"
        default: return "\(directory): \(kind.rawValue): \(message)"
        }
    }

    /// The most severe of several exit codes: configuration and credentials first, then data
    /// problems, then I/O and the network, then "try again later".
    public static func worst(_ codes: [Int32]) -> Int32 {
        let order: [Int32] = [78, 77, 65, 66, 74, 69, 75]
        for code in order where codes.contains(code) { return code }
        return codes.first { $0 != 0 } ?? 0
    }
}
