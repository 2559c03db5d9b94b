import AudienceSFTP
import Foundation
import SSHTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RemoteOperationTests {
    @Test func statReportsSizeTimeAndKindOrNilWhenMissing() throws {
        let fixture = try SFTPFixture()
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 4321)
        let modified = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: remote)
        let connection = try fixture.connect()
        defer { connection.close() }

        let info = try #require(try connection.stat(remote))

        #expect(info.name == "users.csv")
        #expect(info.size == 4321)
        #expect(info.isRegular)
        #expect(info.modified == modified)
        #expect(try connection.stat(fixture.server.remotePath("absent.csv")) == nil)
        #expect(try connection.stat(fixture.server.dataDirectory)?.kind == .directory)
    }

    @Test func listShowsEntriesWithoutDotEntries() throws {
        let fixture = try SFTPFixture()
        try fixture.makeRemoteFile("users.csv", bytes: 10)
        try fixture.makeRemoteFile("user_groups.csv", bytes: 20)
        try FileManager.default.createDirectory(
            atPath: fixture.server.remotePath("archive"), withIntermediateDirectories: true)
        let connection = try fixture.connect()
        defer { connection.close() }

        let entries = try connection.list(fixture.server.dataDirectory).sorted { $0.name < $1.name }

        #expect(entries.map(\.name) == ["archive", "user_groups.csv", "users.csv"])
        #expect(entries.map(\.kind) == [.directory, .regular, .regular])
        #expect(entries[1].size == 20)
    }

    @Test func listOfMissingDirectoryIsRemoteFileMissing() throws {
        let fixture = try SFTPFixture()
        let connection = try fixture.connect()
        defer { connection.close() }
        let missing = fixture.server.remotePath("nope")

        #expect(throws: SFTPError.remoteFileMissing(host: "127.0.0.1", path: missing)) {
            try connection.list(missing)
        }
    }

    @Test func archiveFlowCreatesDirectoryRenamesAndRemoves() throws {
        let fixture = try SFTPFixture()
        let remote = try fixture.makeRemoteFile("users.csv", bytes: 10)
        let archive = fixture.server.remotePath("archive")
        let connection = try fixture.connect()
        defer { connection.close() }

        try connection.makeDirectory(archive)
        try connection.makeDirectory(archive)
        try connection.rename(from: remote, to: archive + "/users-1.csv")

        #expect(try connection.stat(remote) == nil)
        #expect(try connection.stat(archive + "/users-1.csv")?.size == 10)
        try connection.remove(archive + "/users-1.csv")
        #expect(try connection.list(archive).isEmpty)
        #expect(throws: SFTPError.remoteFileMissing(host: "127.0.0.1", path: remote)) {
            try connection.remove(remote)
        }
    }

    @Test func closedConnectionRefusesFurtherWork() throws {
        let fixture = try SFTPFixture()
        let connection = try fixture.connect()
        connection.close()
        connection.close()

        let error = #expect(throws: SFTPError.self) { try connection.stat("/") }
        #expect(error?.exitCode == 74)
    }
}
