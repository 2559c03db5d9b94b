import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Client key pairs generated with ssh-keygen.
public enum TestKeys {
    /// Generates a key (`ed25519`, `ecdsa` or `rsa` 2048 bits) and returns the private key path (mode 0600).
    ///
    /// - Parameters:
    ///   - type: The ssh-keygen key type.
    ///   - directory: Where the key pair is written (`id_<type>_<random>` and `.pub`).
    ///   - passphrase: Encrypts the private key when not empty.
    /// - Returns: The private key path.
    /// - Throws: ``Shell/Failure`` when ssh-keygen fails.
    public static func generate(_ type: String, in directory: TemporaryDirectory, passphrase: String = "") throws
        -> String
    {
        let path = directory.file("id_\(type)_\(UUID().uuidString.prefix(6))")
        var arguments = ["-q", "-t", type, "-N", passphrase, "-C", "audience-sync-test", "-f", path]
        if type == "rsa" { arguments += ["-b", "2048"] }
        try Shell.run("/usr/bin/ssh-keygen", arguments)
        chmod(path, 0o600)
        return path
    }

    /// The fingerprint OpenSSH prints for a public key file (`SHA256:...`).
    public static func fingerprint(ofPublicKey path: String) throws -> String {
        let output = try Shell.run("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", path])
        return String(output.split(separator: " ")[1])
    }
}
