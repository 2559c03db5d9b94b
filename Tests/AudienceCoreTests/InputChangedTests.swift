@testable import AudienceCore
import AudienceCSV
import Foundation
import GRDB
import Testing

@Suite("A file that changes between validation and writing is never written")
struct InputChangedTests {
    @Test(arguments: [
        "user_id,email,first_name,last_name\n1,a@x.com,Ann,Lee\n2,b@x.com,Bob,Changed\n",  // content changed
        "user_id,email,first_name,last_name\n1,a@x.com,Ann,Lee\n",  // a row disappeared
        "user_id,email,first_name,last_name\n1,a@x.com,Ann,Lee\n2,b@x.com,Bob,Ray\n3,c@x.com,C,C\n",  // a row added
    ])
    func secondPassRefusesAChangedFile(replacement: String) throws {
        let space = try Workspace()
        let original = try space.write("users.csv", "user_id,email,first_name,last_name\n1,a@x.com,Ann,Lee\n2,b@x.com,Bob,Ray\n")
        let snapshot = try UsersScanner(attributes: .none, csvOptions: CSVOptions()).scan(path: original, file: "users.csv")
        try space.write("users.csv", replacement)
        let queue = try DatabaseQueue(path: space.databasePath)
        try AudienceStore.migrator.migrate(queue)
        #expect(throws: StoreError.self) {
            try queue.write { db in
                let diff = try MemberDiff(snapshot: snapshot, directory: "acme", db: db)
                try PlanApplier(db: db, storePath: space.databasePath, directory: "acme", csvOptions: CSVOptions())
                    .writeMembers(path: original, snapshot: snapshot, diff: diff, attributes: .none)
            }
        }
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM members") } == 0)
    }
}
