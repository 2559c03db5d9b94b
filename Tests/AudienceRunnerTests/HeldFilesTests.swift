import AudienceRunner
import Foundation
import Testing

/// What `discard` deletes: only the files a held run kept in its own staging folder.
@Suite("held files", .timeLimit(.minutes(1)))
struct HeldFilesTests {
    @Test func removesOnlyTheRunsOwnKeptFilesAndItsEmptiedFolder() throws {
        let folder = try ConfigTempFolder()
        for name in ["acme/held/7", "acme/held/17", "acme/held/8", "imports"] {
            try FileManager.default.createDirectory(atPath: folder.path + "/" + name, withIntermediateDirectories: true)
        }
        let kept = try ["acme/held/7/users.csv", "acme/held/7/user_groups.csv"].map { try folder.write($0) }
        let lookalike = try folder.write("acme/held/17/users.csv")
        let otherRun = try folder.write("acme/held/8/users.csv")
        let imported = try folder.write("imports/users.csv")

        HeldFiles.removeKept(kept + [lookalike, otherRun, imported], runID: 7)

        for path in kept { #expect(!FileManager.default.fileExists(atPath: path), "\(path)") }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/acme/held/7"))
        for path in [lookalike, otherRun, imported] { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
    }

    @Test func keepsTheFolderWhileAFileNotRecordedWithTheRunIsInIt() throws {
        let folder = try ConfigTempFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/acme/held/7", withIntermediateDirectories: true)
        let kept = try folder.write("acme/held/7/users.csv")
        let stranger = try folder.write("acme/held/7/notes.txt")

        HeldFiles.removeKept([kept], runID: 7)

        #expect(!FileManager.default.fileExists(atPath: kept))
        #expect(FileManager.default.fileExists(atPath: stranger))
    }
}
