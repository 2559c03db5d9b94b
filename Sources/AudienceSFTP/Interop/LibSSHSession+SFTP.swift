import CLibSSH
import Foundation

/// SFTP file operations on a started session. Like the session itself, single-threaded.
extension LibSSHSession {
    /// Attributes of `path`, or nil when it does not exist.
    func stat(_ path: String) throws -> RemoteFileInfo? {
        let sftp = try liveSFTP("stat")
        guard let attributes = sftp_stat(sftp, path) else {
            if isMissing(sftp) { return nil }
            throw failure(sftp, operation: "stat", path: path)
        }
        defer { sftp_attributes_free(attributes) }
        return Self.info(attributes, name: (path as NSString).lastPathComponent)
    }

    /// Entries of `directory` except `.` and `..`.
    func list(_ directory: String, progress: () -> Void) throws -> [RemoteFileInfo] {
        let sftp = try liveSFTP("list")
        guard let dir = sftp_opendir(sftp, directory) else {
            throw failure(sftp, operation: "list", path: directory)
        }
        defer { sftp_closedir(dir) }
        var entries: [RemoteFileInfo] = []
        while let attributes = sftp_readdir(sftp, dir) {
            defer { sftp_attributes_free(attributes) }
            progress()
            let name = attributes.pointee.name.map { String(cString: $0) } ?? ""
            if name == "." || name == ".." || name.isEmpty { continue }
            entries.append(Self.info(attributes, name: name))
        }
        guard sftp_dir_eof(dir) == 1 else {
            throw failure(sftp, operation: "list", path: directory)
        }
        return entries
    }

    func rename(from source: String, to destination: String) throws {
        let sftp = try liveSFTP("rename")
        guard sftp_rename(sftp, source, destination) == SSH_OK else {
            throw failure(sftp, operation: "rename to \(destination)", path: source)
        }
    }

    func remove(_ path: String) throws {
        let sftp = try liveSFTP("remove")
        guard sftp_unlink(sftp, path) == SSH_OK else {
            throw failure(sftp, operation: "remove", path: path)
        }
    }

    /// Creates `path`; succeeds quietly when it already is a directory.
    func makeDirectory(_ path: String, permissions: UInt32) throws {
        let sftp = try liveSFTP("mkdir")
        if sftp_mkdir(sftp, path, mode_t(permissions)) == SSH_OK { return }
        let error = failure(sftp, operation: "mkdir", path: path)
        if let existing = try stat(path), existing.kind == .directory { return }
        throw error
    }

    // MARK: Helpers

    private func liveSFTP(_ operation: String) throws -> sftp_session {
        guard let sftp else {
            throw SFTPError.sessionFailed(host: host, operation: operation, message: "the SFTP channel is closed")
        }
        return sftp
    }

    private func isMissing(_ sftp: sftp_session) -> Bool {
        let code = sftp_get_error(sftp)
        return code == SSH_FX_NO_SUCH_FILE || code == SSH_FX_NO_SUCH_PATH
    }

    /// Turns the current SFTP status into an error: missing files get their own case.
    func failure(_ sftp: sftp_session, operation: String, path: String) -> SFTPError {
        if isMissing(sftp) {
            return .remoteFileMissing(host: host, path: path)
        }
        let code = sftp_get_error(sftp)
        var message = lastError
        if message.isEmpty { message = "SFTP status \(code)" }
        return .remoteOperationFailed(host: host, path: path, operation: operation, message: message)
    }

    static func info(_ attributes: sftp_attributes, name: String) -> RemoteFileInfo {
        let a = attributes.pointee
        let kind: RemoteFileInfo.Kind =
            switch Int32(a.type) {
            case SSH_FILEXFER_TYPE_REGULAR: .regular
            case SSH_FILEXFER_TYPE_DIRECTORY: .directory
            case SSH_FILEXFER_TYPE_SYMLINK: .symlink
            default: .other
            }
        let seconds = max(a.mtime64, UInt64(a.mtime))
        return RemoteFileInfo(
            name: name, size: a.size, modified: Date(timeIntervalSince1970: TimeInterval(seconds)), kind: kind)
    }
}
