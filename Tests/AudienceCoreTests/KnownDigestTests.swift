import AudienceCore
import Foundation
import Testing

/// A file the SFTP download already hashed while streaming is not read a second time to fingerprint it, unless
/// its size no longer matches the digest.
@Suite("Known digests: a downloaded file is hashed once")
struct KnownDigestTests {
    static let users = usersCSV(["1:a@x.com:Ann:Lee", "2:b@x.com:Bob:Ray"])
    /// Not the SHA-256 of any of these files: if it is recorded, the file was not hashed again.
    static let marker = String(repeating: "5a", count: 32)

    private func run(_ space: Workspace, knownBytes: Int64?, sha256: String = marker) throws -> SyncReport {
        let path = try space.write("users.csv", Self.users)
        var request = SyncRequest(directory: "acme", usersPath: path, command: "sync")
        if let knownBytes { request.knownDigests = ["users": KnownDigest(bytes: knownBytes, sha256: sha256)] }
        return try DirectorySync(store: space.store).run(request)
    }

    @Test func aDigestOverTheFilesSizeIsRecordedWithoutRehashing() throws {
        let space = try Workspace()
        let report = try run(space, knownBytes: Int64(Self.users.utf8.count))
        #expect(report.outcome == .applied)
        #expect(report.files.map(\.sha256) == [Self.marker])
        #expect(report.files.map(\.bytes) == [Int64(Self.users.utf8.count)])
        #expect(try space.store.history(limit: 1).first?.files.map(\.sha256) == [Self.marker])
    }

    @Test func aDigestOverAnotherSizeIsIgnoredAndTheFileHashed() throws {
        let reference = try run(try Workspace(), knownBytes: nil)
        let space = try Workspace()
        let report = try run(space, knownBytes: Int64(Self.users.utf8.count) + 1)
        #expect(report.files.map(\.sha256) == reference.files.map(\.sha256))
        #expect(report.files.map(\.sha256) != [Self.marker])
        #expect(reference.files.first?.sha256.count == 64)
    }

    @Test func theKnownDigestDecidesWhetherTheFilesAreUnchanged() throws {
        let space = try Workspace()
        let size = Int64(Self.users.utf8.count)
        let first = try run(space, knownBytes: nil)
        let real = try #require(first.files.first?.sha256)

        let same = try run(space, knownBytes: size, sha256: real)
        #expect(same.outcome == .unchanged)

        // Same bytes on disk, but the download says they differ: the run must not be skipped as unchanged.
        let differs = try run(space, knownBytes: size, sha256: Self.marker)
        #expect(differs.outcome == .applied)
        #expect(differs.counts.isEmpty)
    }
}
