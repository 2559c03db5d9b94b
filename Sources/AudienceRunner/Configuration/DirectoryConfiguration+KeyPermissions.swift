import AudienceSFTP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension DirectoryConfiguration {
    /// Checks the files the SFTP login needs, before any connection is made.
    ///
    /// The private key and passphrase file must exist, be regular files and have no group or other
    /// permission bits (OpenSSH refuses such keys too). known_hosts must exist unless the host-key policy
    /// is `accept-new`, which creates it. Loading the configuration never touches these files; this does.
    ///
    /// - Throws: ``ConfigurationError/permissionsTooOpen(file:path:target:mode:)`` (exit 77) for a key
    ///   others can read; ``ConfigurationError/missingFile(file:path:target:)`` or
    ///   ``ConfigurationError/notRegularFile(file:path:target:reason:)`` (exit 78) otherwise.
    public func checkKeyPermissions() throws(ConfigurationError) {
        try checkSecret(endpoint.privateKeyPath, key: "private_key")
        if let passphraseFile = endpoint.passphraseFile {
            try checkSecret(passphraseFile, key: "passphrase_file")
        }
        if endpoint.hostKeyPolicy == .strict {
            _ = try status(of: endpoint.knownHostsPath, key: "known_hosts")
        }
    }

    private func checkSecret(_ target: String, key: String) throws(ConfigurationError) {
        let mode = try status(of: target, key: key)
        guard !KeyFilePermissions.tooOpen(mode: mode, path: target) else {
            throw .permissionsTooOpen(
                file: configurationFile, path: "\(location).sftp.\(key)", target: target, mode: mode & 0o7777)
        }
    }

    /// The permission bits of a regular file, following symlinks (systemd credentials may be links).
    private func status(of target: String, key: String) throws(ConfigurationError) -> UInt32 {
        let path = "\(location).sftp.\(key)"
        var info = stat()
        guard stat(target, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw .missingFile(file: configurationFile, path: path, target: target)
            }
            throw .notRegularFile(
                file: configurationFile, path: path, target: target,
                reason: "cannot be inspected: \(String(cString: strerror(code)))")
        }
        guard UInt32(info.st_mode) & UInt32(S_IFMT) == UInt32(S_IFREG) else {
            throw .notRegularFile(file: configurationFile, path: path, target: target, reason: "is not a regular file")
        }
        return UInt32(info.st_mode) & 0o7777
    }
}
