import Foundation
import SSHTestSupport
import Testing

@testable import AudienceSFTP

#if canImport(Glibc)
    import Glibc
#endif

/// The staging file's disk reservation: a size the file system cannot hold fails at once with a local I/O
/// error (exit 74) that names the `.partial` and the OS error, and the uncommitted file is removed.
@Suite(.timeLimit(.minutes(1)))
struct PartialFileTests {
    @Test func reservationTheFileSystemCannotHoldFailsWithLocalIO() throws {
        let staging = try TemporaryDirectory("partial-file")
        let finalPath = staging.file("users.csv")
        var file: PartialFile? = try PartialFile(finalPath: finalPath)
        // 1 PiB: above ext4's maximum file size (16 TiB, EFBIG) and above the free space of any test machine's
        // xfs, btrfs or tmpfs (ENOSPC); both must end the download.
        let size: UInt64 = 1 << 50
        let error = try #require(throws: SFTPError.self) { try file!.reserve(size) }
        guard case .localIO(let path, let operation, let message) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(path == finalPath + ".partial")
        #expect(operation == "reserve \(size) bytes for")
        #expect([EFBIG, ENOSPC].map { String(cString: strerror($0)) }.contains(message), "\(message)")
        #expect(error.exitCode == 74)
        #expect(error.description.contains(finalPath + ".partial"))
        #expect(FileManager.default.fileExists(atPath: finalPath + ".partial"))
        file = nil
        // deinit discards the uncommitted file: nothing is left in staging.
        #expect(staging.contents() == [])
    }

    @Test func reservationThatFitsLeavesTheFileEmpty() throws {
        let staging = try TemporaryDirectory("partial-file")
        let file = try PartialFile(finalPath: staging.file("users.csv"))
        try file.reserve(1 << 20)
        // FALLOC_FL_KEEP_SIZE: the blocks are reserved, the size stays 0 until written.
        let size = try FileManager.default.attributesOfItem(atPath: file.partialPath)[.size] as? Int
        #expect(size == 0)
        file.discard()
    }
}
