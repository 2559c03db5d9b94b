import Foundation
import SSHTestSupport
import Testing

@testable import AudienceSFTP

/// The SHA-256 computed on its own thread from the bytes already written to a file.
@Suite(.timeLimit(.minutes(1)))
struct HashBehindTests {
    /// Chunks reported in order, out of order (a short reply's tail arriving last) and in one piece all give
    /// the SHA-256 of the file as sha256sum sees it.
    @Test(arguments: [[0, 1, 2, 3, 4, 5, 6, 7], [0, 2, 3, 1, 4, 6, 5, 7], [7, 6, 5, 4, 3, 2, 1, 0]])
    func digestMatchesTheFileWhateverTheOrder(order: [Int]) throws {
        let directory = try TemporaryDirectory("hash-behind")
        let path = directory.file("data.partial")
        let size = 3 * 1024 * 1024 + 12_345  // several 1 MiB steps and a ragged end
        try writeRandomFile(path, count: size)
        let chunk = (size + 7) / 8

        let hash = try HashBehind(path: path)
        for index in order {
            let offset = index * chunk
            hash.wrote(min(chunk, size - offset), at: UInt64(offset))
        }
        let digest = try hash.finish(size: UInt64(size), host: "h", remotePath: "/r")

        #expect(digest == (try Shell.sha256(path)))
    }

    @Test func emptyFileHasTheEmptyDigest() throws {
        let directory = try TemporaryDirectory("hash-behind")
        let path = directory.file("empty.partial")
        FileManager.default.createFile(atPath: path, contents: Data())
        let hash = try HashBehind(path: path)
        #expect(
            try hash.finish(size: 0, host: "h", remotePath: "/r")
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// A hole (a chunk never reported) or a size other than the bytes written is a size mismatch, never a digest.
    @Test func aGapOrAWrongSizeIsASizeMismatch() throws {
        let directory = try TemporaryDirectory("hash-behind")
        let path = directory.file("gap.partial")
        try writeRandomFile(path, count: 300_000)

        let withGap = try HashBehind(path: path)
        withGap.wrote(100_000, at: 0)
        withGap.wrote(100_000, at: 200_000)
        #expect(throws: SFTPError.self) { try withGap.finish(size: 300_000, host: "h", remotePath: "/r") }

        let short = try HashBehind(path: path)
        short.wrote(300_000, at: 0)
        #expect(throws: SFTPError.self) { try short.finish(size: 300_001, host: "h", remotePath: "/r") }
    }

    /// A cancelled hash (failed download) ends its thread (a hang would hit the time limit), cancelling twice
    /// is harmless, and it never yields a digest afterwards.
    @Test func cancelStopsTheThreadAndYieldsNoDigest() throws {
        let directory = try TemporaryDirectory("hash-behind")
        let path = directory.file("cancel.partial")
        try writeRandomFile(path, count: 2 * 1024 * 1024)
        let hash = try HashBehind(path: path)
        hash.wrote(1024 * 1024, at: 0)
        hash.cancel()
        hash.cancel()
        #expect(throws: SFTPError.self) { try hash.finish(size: 1024 * 1024, host: "h", remotePath: "/r") }
    }

    /// A split download reports only its gap-free prefix, from several threads, possibly out of order: the
    /// digest is the file's, and a prefix short of the size is a size mismatch.
    @Test func prefixesFromSeveralThreadsGiveTheFileDigest() throws {
        let directory = try TemporaryDirectory("hash-behind")
        let path = directory.file("split.partial")
        let size = 5 * 1024 * 1024 + 777
        try writeRandomFile(path, count: size)

        let hash = try HashBehind(path: path)
        let group = DispatchGroup()
        for step in [3, 1, 4, 2, 5] {
            DispatchQueue.global().async(group: group) {
                hash.advance(to: UInt64(min(size, step * 1024 * 1024)))
            }
        }
        group.wait()
        hash.advance(to: 1024)  // lower than before: ignored
        #expect(throws: SFTPError.self) { try hash.finish(size: UInt64(size) + 1, host: "h", remotePath: "/r") }

        let complete = try HashBehind(path: path)
        complete.advance(to: 2 * 1024 * 1024)
        complete.advance(to: UInt64(size))
        #expect(try complete.finish(size: UInt64(size), host: "h", remotePath: "/r") == (try Shell.sha256(path)))
    }
}
