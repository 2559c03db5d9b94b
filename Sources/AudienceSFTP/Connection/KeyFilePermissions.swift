import Foundation

/// When a private key or passphrase file is too open to use, as OpenSSH judges it.
///
/// Any group or other permission bit refuses the file, with one exception: a file that systemd
/// placed in `$CREDENTIALS_DIRECTORY` (`LoadCredential=`). For a service with `DynamicUser=` on a
/// filesystem with ACLs, systemd keeps the credential root-owned 0400 and grants the service
/// user read access through an ACL entry, whose mask then shows in the group bits (`stat` reads
/// 0440). That directory is private to the service, so group *read* is accepted there; group
/// write and any "other" bit are still refused.
public enum KeyFilePermissions {
    /// Whether `mode` (st_mode) makes the file at `path` unusable as a secret.
    public static func tooOpen(
        mode: UInt32, path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Bool {
        if let credentials = environment["CREDENTIALS_DIRECTORY"], !credentials.isEmpty,
            isInside(path, credentials)
        {
            return mode & 0o027 != 0
        }
        return mode & 0o077 != 0
    }

    private static func isInside(_ path: String, _ directory: String) -> Bool {
        let folder = directory.hasSuffix("/") ? directory : directory + "/"
        return (path as NSString).standardizingPath.hasPrefix((folder as NSString).standardizingPath + "/")
    }
}
