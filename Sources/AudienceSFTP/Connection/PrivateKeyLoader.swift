import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checks the private key file like OpenSSH does and loads it, before any network traffic.
enum PrivateKeyLoader {
    /// Refuses a key readable by group or others, reads the passphrase from its file (first line) and imports
    /// the key.
    ///
    /// - Throws: ``SFTPError/keyPermissions(path:mode:)`` or ``SFTPError/privateKeyUnusable(path:message:)``.
    static func load(_ endpoint: SFTPEndpoint) throws -> PrivateKey {
        var info = stat()
        guard fstatat(AT_FDCWD, endpoint.privateKeyPath, &info, 0) == 0 else {
            throw SFTPError.privateKeyUnusable(
                path: endpoint.privateKeyPath, message: String(cString: strerror(errno)))
        }
        let mode = UInt32(info.st_mode)
        guard !KeyFilePermissions.tooOpen(mode: mode, path: endpoint.privateKeyPath) else {
            throw SFTPError.keyPermissions(path: endpoint.privateKeyPath, mode: mode & 0o7777)
        }
        var passphrase: String?
        if let file = endpoint.passphraseFile {
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                passphrase = String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)[0])
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            } catch {
                throw SFTPError.privateKeyUnusable(
                    path: endpoint.privateKeyPath, message: "passphrase file \(file) is not readable")
            }
        }
        return try PrivateKey(path: endpoint.privateKeyPath, passphrase: passphrase)
    }

}
