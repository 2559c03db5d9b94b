import AudienceCore
import Foundation
import Testing

@Suite("File-level problems apply nothing")
struct FileRejectionTests {
    private func baseline() throws -> Workspace {
        let space = try Workspace()
        try space.sync(users: usersCSV(manyUsers(1...100)), groups: "user_id,group_name\nu1,G\n")
        return space
    }

    @Test(arguments: [
        ("user_id,email,first_name,last_name\n", "no data rows"),
        ("", "the file is empty"),
        ("user_id,first_name,last_name\n1,A,A\n", "required column 'email' is missing"),
        ("user_id,email,first_name,last_name,Email\n1,a@x.com,A,A,b@x.com\n", "column 'email' appears twice (columns 2 and 5)"),
        ("user_id,email,first_name,last_name\n1,a@x.com,\"A,A\n", "never closed"),
    ])
    func refusedFileLeavesTheDatabaseAsItWas(users: String, message: String) throws {
        let space = try baseline()
        let before = try space.dump()
        #expect {
            try space.sync(users: users)
        } throws: { error in
            guard let error = error as? ValidationError else { return false }
            return error.exitCode == 65 && error.description.contains(message)
        }
        #expect(try space.dump() == before)
        #expect(try space.store.history(limit: 1).first?.outcome == "rejected")
    }

    @Test func invalidUTF8IsAFileErrorNamingTheLine() throws {
        let space = try baseline()
        let before = try space.dump()
        var bytes = Array(usersCSV(manyUsers(1...3)).utf8)
        bytes.insert(contentsOf: [0xC3, 0x28], at: bytes.count - 5)
        let path = try space.write("bad.csv", bytes: bytes)
        #expect {
            try DirectorySync(store: space.store).run(SyncRequest(directory: "acme", usersPath: path))
        } throws: { error in
            (error as? ValidationError)?.description.contains("bad.csv:4") == true
        }
        #expect(try space.dump() == before)
    }

    @Test func tooManyRejectedRowsRefusesTheWholeFile() throws {
        let space = try baseline()
        let before = try space.dump()
        let bad = (1...11).map { "u\($0):broken:F:L" }
        #expect {
            try space.sync(users: usersCSV(bad + manyUsers(12...100)))
        } throws: { error in
            (error as? ValidationError)?.description.contains("11 of 100 rows rejected") == true
        }
        #expect(try space.dump() == before)
        let run = try #require(try space.store.history(limit: 1).first)
        #expect(run.outcome == "rejected" && run.counts.rejected == 11)
        #expect(try space.store.rejections(runID: run.id).count == 11)
    }

    @Test func fewRejectsAreBelowTheThreshold() throws {
        let space = try baseline()
        let report = try space.sync(users: usersCSV((1...5).map { "u\($0):broken:F:L" } + manyUsers(6...100)))
        #expect(report.outcome == .applied)
        #expect(report.counts.rejected == 5)
    }

    @Test func missingUsersFileExits66() throws {
        let space = try Workspace()
        #expect {
            try DirectorySync(store: space.store).run(SyncRequest(directory: "acme", usersPath: space.root.path + "/nope.csv"))
        } throws: { error in
            (error as? ValidationError)?.exitCode == 66
        }
    }

    @Test func failureHalfWayThroughTheTransactionChangesNothing() throws {
        let space = try baseline()
        let before = try space.dump()
        // A trigger makes SQLite fail on one insert, after updates, deletes and other inserts ran.
        let queue = try GRDBTestSupport.queue(space.databasePath)
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER boom BEFORE INSERT ON members WHEN NEW.user_id = 'u150'
                    BEGIN SELECT RAISE(ABORT, 'injected failure'); END
                    """)
        }
        let users = usersCSV(manyUsers(2...99).map { $0.replacingOccurrences(of: "First", with: "Renamed") } + manyUsers(101...200))
        #expect {
            try space.sync(users: users, groups: "user_id,group_name\nu2,H\n", guard: RemovalGuard(disabled: true))
        } throws: { error in
            (error as? StoreError)?.description.contains("injected failure") == true
        }
        #expect(try space.dump() == before)
    }
}
