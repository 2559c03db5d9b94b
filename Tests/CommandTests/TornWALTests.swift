import Foundation
import SSHTestSupport
import Testing

/// Power loss during the second import, approximated on the files: what a machine that loses power leaves is the
/// database file as of the last checkpoint plus a WAL whose unsynced tail is missing or garbage.
///
/// A reader holding A's snapshot keeps the import's checkpoint from writing B into the database file, so after
/// the import the database file is A's bytes and the WAL holds all of B. Cutting or garbling that WAL anywhere
/// must recover to exactly A, and only the whole WAL to exactly B: this holds only because the import commits
/// everything in one transaction (one commit frame, at the very end). What it cannot show: lost writes to the
/// database file itself, which SQLite avoids by syncing the WAL before any checkpoint (`synchronous=FULL`).
@Suite("power loss: torn WAL", .timeLimit(.minutes(3)))
struct TornWALTests {
    @Test func aWALCutOrGarbledAnywhereRecoversToExactlyBeforeOrAfter() throws {
        let workspace = try CrashWorkspace(users: 20_000)
        let database = try workspace.freshDatabase()
        let reader = try DatabaseProbe.readSnapshot(database)
        let run = try CLI.run(workspace.importArguments(database: database, version: "B"), limit: .seconds(300))
        try #require(run.status == 0, "\(run)")
        let wal = try Data(contentsOf: URL(fileURLWithPath: database + "-wal"))
        let main = try Data(contentsOf: URL(fileURLWithPath: database))
        try reader.close()
        try #require(main == (try Data(contentsOf: URL(fileURLWithPath: workspace.baseline))), "B reached the database file")
        let stateB = try DatabaseProbe.inspect(database).state
        try #require(stateB != workspace.stateA)

        let pageSize = wal[8..<12].reduce(0) { $0 << 8 | Int($1) }
        let frame = 24 + pageSize
        let frames = (wal.count - 32) / frame
        try #require(frames >= 4 && wal.count == 32 + frames * frame, "WAL of \(wal.count) bytes, page size \(pageSize)")
        let whole = 32 + frames * frame
        func garbled(at offset: Int) -> Data {
            var copy = wal
            for index in offset..<(offset + 64) { copy[index] ^= 0xFF }
            return copy
        }
        let cases: [(label: String, wal: Data?, expected: CrashTrial.Found)] = [
            ("no WAL", nil, .before),
            ("header only", wal.prefix(32), .before),
            ("first frame", wal.prefix(32 + frame), .before),
            ("half the frames", wal.prefix(32 + frames / 2 * frame), .before),
            ("all but the commit frame", wal.prefix(whole - frame), .before),
            ("commit frame cut in half", wal.prefix(whole - frame / 2), .before),
            ("commit frame's page garbled", garbled(at: whole - 64), .before),
            ("a middle frame garbled", garbled(at: 32 + frames / 2 * frame + 24), .before),
            ("whole WAL", wal, .after),
        ]
        var lines = ["torn WAL: \(workspace.users) users, B's WAL \(frames) frames of \(pageSize) bytes"]
        for (index, item) in cases.enumerated() {
            let copy = workspace.directory.file("torn-\(index).db")
            try main.write(to: URL(fileURLWithPath: copy))
            if let bytes = item.wal { try bytes.write(to: URL(fileURLWithPath: copy + "-wal")) }
            let finding = try DatabaseProbe.inspect(copy)
            let found = CrashTrial.classify(finding.state, before: workspace.stateA, after: stateB)
            lines.append("  \(item.label) (\(item.wal?.count ?? 0) bytes): integrity \(finding.integrity), \(found)")
            #expect(finding.integrity == ["ok"], "\(item.label): \(finding.integrity)")
            #expect(found == item.expected, "\(item.label): found \(found), expected \(item.expected)")
        }
        print(lines.joined(separator: "\n"))

        // The next import of B over a recovered, torn copy completes it.
        let torn = workspace.directory.file("torn-5.db")
        let next = try CLI.run(workspace.importArguments(database: torn, version: "B"), limit: .seconds(300))
        #expect(next.status == 0, "\(next)")
        #expect(try DatabaseProbe.inspect(torn).state == stateB)
    }
}
