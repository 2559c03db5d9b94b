import AudienceSFTP
import Testing

@Suite("Private key permissions")
struct KeyFilePermissionsTests {
    @Test(arguments: [
        (UInt32(0o100600), false), (0o100400, false), (0o100700, false), (0o100640, true), (0o100644, true),
        (0o100604, true), (0o100660, true), (0o100440, true),
    ])
    func anyGroupOrOtherBitIsTooOpen(mode: UInt32, tooOpen: Bool) {
        #expect(KeyFilePermissions.tooOpen(mode: mode, path: "/etc/audience-sync/id", environment: [:]) == tooOpen)
    }

    /// systemd's ACL mask shows as group read (0440) on credentials it hands a DynamicUser service.
    @Test(arguments: [
        (UInt32(0o100440), false), (0o100400, false), (0o100460, true), (0o100444, true), (0o100404, true),
    ])
    func groupReadIsAcceptedOnlyInsideTheCredentialsDirectory(mode: UInt32, tooOpen: Bool) {
        let environment = ["CREDENTIALS_DIRECTORY": "/run/credentials/audience-sync.service"]
        #expect(
            KeyFilePermissions.tooOpen(
                mode: mode, path: "/run/credentials/audience-sync.service/sftp-key", environment: environment) == tooOpen)
        #expect(KeyFilePermissions.tooOpen(mode: 0o100440, path: "/etc/audience-sync/id", environment: environment))
        #expect(
            KeyFilePermissions.tooOpen(
                mode: 0o100440, path: "/run/credentials/audience-sync.service/../elsewhere/key", environment: environment))
    }
}
