import AudienceCore
import AudienceSFTP

extension ConfigurationResolver {
    /// Characters allowed in a directory id: it names staging folders and metrics labels.
    private static let idCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")

    func directory(
        _ section: DirectorySection, at path: ConfigurationKeyPath, defaults: Tuning
    ) throws(ConfigurationError) -> DirectoryConfiguration {
        let id = section.id
        guard !id.isEmpty, id.allSatisfy(Self.idCharacters.contains), id != ".", id != ".." else {
            throw invalid(path.appending("id"), id, "an id is one or more of A-Z, a-z, 0-9, '.', '_' and '-'")
        }
        let tuning = try self.tuning(section.tuning, at: path, over: defaults)
        let sftp = section.sftp
        let at = path.appending("sftp")

        let port = sftp.port ?? 22
        guard (1...65535).contains(port) else { throw invalid(at.appending("port"), "\(port)", "a port is 1 to 65535") }
        var policy = HostKeyPolicy.strict
        if let value = sftp.hostKeyPolicy {
            guard let parsed = HostKeyPolicy(rawValue: value.lowercased()) else {
                throw invalid(at.appending("host_key_policy"), value, "expected strict or accept-new")
            }
            policy = parsed
        }
        var passphraseFile: String?
        if let value = sftp.passphraseFile {
            passphraseFile = try localPath(value, at: at.appending("passphrase_file"), credential: true)
        }
        let endpoint = SFTPEndpoint(
            host: try required(sftp.host, at: at.appending("host")), port: port,
            username: try required(sftp.username, at: at.appending("username")),
            privateKeyPath: try localPath(sftp.privateKey, at: at.appending("private_key"), credential: true),
            passphraseFile: passphraseFile,
            knownHostsPath: try localPath(sftp.knownHosts, at: at.appending("known_hosts")),
            hostKeyPolicy: policy, connectTimeout: tuning.connectTimeout, operationTimeout: tuning.operationTimeout)

        let remoteDirectory = try required(sftp.remoteDir, at: at.appending("remote_dir"))
        if sftp.archiveDir != nil, sftp.deleteAfterApply == true {
            throw .conflictingKeys(
                file: file, path: at.description, line: line(at.appending("archive_dir")),
                keys: ["archive_dir", "delete_after_apply"])
        }
        var directory = DirectoryConfiguration(
            id: id, endpoint: endpoint, remoteDirectory: remoteDirectory,
            doneFile: try sftp.doneFile.map { value throws(ConfigurationError) in
                try required(value, at: at.appending("done_file"))
            },
            deleteAfterApply: sftp.deleteAfterApply ?? false, skipUnchangedByStat: sftp.skipUnchangedByStat ?? true,
            attributes: tuning.attributes, settle: tuning.settle, minAge: tuning.minAge, interval: tuning.interval,
            deadline: tuning.deadline, download: DownloadOptions(maxBytes: tuning.maxFileSize),
            removalGuard: RemovalGuard(
                maxPercent: tuning.maxRemovalPercent, maxCount: tuning.maxRemovals, disabled: tuning.allowMassRemoval),
            rejectLimit: RejectLimit(maxPercent: tuning.maxRejectedPercent),
            configurationFile: file, location: path.description)
        if let value = sftp.usersFile { directory.usersFile = try required(value, at: at.appending("users_file")) }
        if let value = sftp.groupsFile { directory.groupsFile = try required(value, at: at.appending("groups_file")) }
        if let value = sftp.groupsCatalogFile {
            directory.catalogFile = try required(value, at: at.appending("groups_catalog_file"))
        }
        directory.archiveDirectory = try remoteFolder(sftp.archiveDir, at: at.appending("archive_dir"), in: directory)
        directory.errorDirectory = try remoteFolder(sftp.errorDir, at: at.appending("error_dir"), in: directory)
        return directory
    }

    /// `archive_dir` or `error_dir`, relative names taken under `remote_dir`; it must be another folder.
    private func remoteFolder(
        _ value: String?, at path: ConfigurationKeyPath, in directory: DirectoryConfiguration
    ) throws(ConfigurationError) -> String? {
        guard let value else { return nil }
        let folder = directory.remotePath(try required(value, at: path))
        func trimmed(_ text: String) -> String {
            var text = Substring(text)
            while text.count > 1, text.hasSuffix("/") { text = text.dropLast() }
            return String(text)
        }
        guard trimmed(folder) != trimmed(directory.remoteDirectory), value != "." else {
            throw invalid(path, value, "it must be a folder other than remote_dir")
        }
        return folder
    }
}
