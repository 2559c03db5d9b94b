import AudienceSFTP
import Foundation
import Logging

/// What happens to the remote files after a run: archived or deleted after a successful apply,
/// moved to the error folder when the set was refused. Failures here are logged, never fatal:
/// the audience is already correct, and an unmoved set is recognised as unchanged next time.
struct PostProcessor {
    var directory: DirectoryConfiguration
    var logger: Logger

    /// After a successful apply: move the files to `archive_dir`, or delete them.
    func finish(_ set: RemoteFileSet, on connection: SFTPConnection) {
        if let archive = directory.archiveDirectory {
            move(set, to: archive, on: connection, event: "file.archive")
        } else if directory.deleteAfterApply {
            for file in set.files {
                do {
                    try connection.remove(file.path)
                    logger.info("remote file deleted", metadata: ["event": "file.delete", "file": "\(file.path)"])
                } catch {
                    logger.error("could not delete the remote file", metadata: ["event": "file.delete", "file": "\(file.path)", "error": "\(error)"])
                }
            }
        }
    }

    /// After a refused set: move the files to `error_dir`, when configured.
    func quarantine(_ set: RemoteFileSet, on connection: SFTPConnection) {
        guard let errors = directory.errorDirectory else { return }
        move(set, to: errors, on: connection, event: "file.quarantine")
    }

    /// Moves each file to `folder/<UTC timestamp>-<name>`, so generations never collide.
    private func move(_ set: RemoteFileSet, to folder: String, on connection: SFTPConnection, event: String) {
        let stamp = Self.stamp(Date())
        do {
            try connection.makeDirectory(folder)
        } catch {
            logger.error("could not create the remote folder", metadata: ["event": "\(event)", "folder": "\(folder)", "error": "\(error)"])
            return
        }
        for file in set.files {
            let target = (folder as NSString).appendingPathComponent("\(stamp)-\((file.path as NSString).lastPathComponent)")
            do {
                try connection.rename(from: file.path, to: target)
                logger.info("remote file moved", metadata: ["event": "\(event)", "file": "\(file.path)", "to": "\(target)"])
            } catch {
                logger.error("could not move the remote file", metadata: ["event": "\(event)", "file": "\(file.path)", "error": "\(error)"])
            }
        }
        if let marker = directory.doneFile {
            try? connection.remove(directory.remotePath(marker))
        }
    }

    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        // Milliseconds: two runs a second apart (an approve, then the next sync archiving the same file
        // name) got the same whole-second name, and SFTP's rename does not overwrite, so the file stayed.
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        return formatter.string(from: date)
    }
}
