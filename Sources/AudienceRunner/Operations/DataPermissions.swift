import Foundation
import Logging

/// The start-up check of the files that hold personal data: the database (with its WAL and
/// shared-memory files) and the staging folder must not be open to group or others.
///
/// The process creates everything private (umask 077), so a wider mode means someone changed it,
/// or the files were created by another tool: worth a warning, not a refusal, since the
/// operator may have a reason (a backup group) that we cannot see.
public enum DataPermissions {
    /// One path that group or others can read or write.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var mode: mode_t
        public var isDirectory: Bool

        public var description: String {
            let what = isDirectory ? "staging folder" : "database file"
            let fix = isDirectory ? "chmod 700" : "chmod 600"
            return "\(path): the \(what) has mode \(String(mode, radix: 8)), so other users may read or change "
                + "the personal data in it; run `\(fix) \(path)`."
        }
    }

    /// The paths among the database files and the staging folder that group or others can access.
    ///
    /// - Parameters:
    ///   - databasePath: the database; `-wal` and `-shm` beside it are checked too. Missing files are skipped.
    ///   - stagingDirectory: the staging folder, or nil (`import` has none).
    public static func audit(databasePath: String, stagingDirectory: String?) -> [Finding] {
        var paths = [databasePath, databasePath + "-wal", databasePath + "-shm"]
        if let stagingDirectory { paths.append(stagingDirectory) }
        return paths.compactMap { path in
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & 0o077 != 0 else { return nil }
            return Finding(path: path, mode: info.st_mode & 0o7777, isDirectory: info.st_mode & S_IFMT == S_IFDIR)
        }
    }

    /// Audits and logs each finding as a `startup.permissions` warning.
    ///
    /// - Returns: the findings, for the caller to print on stderr as well.
    @discardableResult
    public static func warn(databasePath: String, stagingDirectory: String?, logger: Logger) -> [Finding] {
        let findings = audit(databasePath: databasePath, stagingDirectory: stagingDirectory)
        for finding in findings {
            logger.event(
                "startup.permissions", level: .warning, "personal data is readable or writable by other users",
                metadata: [
                    "file": "\(finding.path)", "mode": "\(String(finding.mode, radix: 8))",
                    "reason": "\(finding.description)",
                ])
        }
        return findings
    }
}
