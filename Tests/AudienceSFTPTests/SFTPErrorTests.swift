import AudienceSFTP
import Testing

struct SFTPErrorTests {
    @Test(arguments: [
        (SFTPError.unreachable(host: "h", port: 22, attempts: 3, message: "Connection refused"), Int32(69)),
        (.timeout(host: "h", operation: "download", seconds: 60), 75),
        (.timeout(host: "h", operation: "key exchange", seconds: 10), 75),
        (.unknownHostKey(host: "h", port: 22, fingerprint: "SHA256:x", knownHostsPath: "/k"), 78),
        (.hostKeyChanged(host: "h", port: 2222, fingerprint: "SHA256:x", knownHostsPath: "/k"), 78),
        (.knownHostsUnusable(path: "/k", message: "m"), 78),
        (.keyPermissions(path: "/key", mode: 0o644), 77),
        (.privateKeyUnusable(path: "/key", message: "m"), 77),
        (.authenticationFailed(user: "u", host: "h", message: "m"), 77),
        (.remoteFileMissing(host: "h", path: "/in/users.csv"), 66),
        (.fileTooLarge(host: "h", path: "/in/users.csv", size: 3, limit: 2), 65),
        (.sessionFailed(host: "h", operation: "SFTP start", message: "m"), 74),
        (.remoteOperationFailed(host: "h", path: "/p", operation: "rename", message: "m"), 74),
        (.sizeMismatch(host: "h", path: "/p", expected: 2, actual: 1), 74),
        (.localIO(path: "/l", operation: "write", message: "m"), 74),
    ])
    func everyCaseHasAnExitCodeAndAOneSentenceMessage(error: SFTPError, exitCode: Int32) {
        #expect(error.exitCode == exitCode)
        #expect(error.description.hasSuffix("."))
        #expect(error.description.contains("h") || error.description.contains("/"))
    }

    @Test func hostKeyMessagesUseOpenSSHHostNotation() {
        let error = SFTPError.hostKeyChanged(
            host: "sftp.example", port: 2222, fingerprint: "SHA256:abc", knownHostsPath: "/k")
        #expect(error.description.contains("[sftp.example]:2222"))
        #expect(error.description.contains("SHA256:abc"))
    }
}
