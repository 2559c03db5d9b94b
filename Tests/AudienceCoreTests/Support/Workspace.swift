import AudienceCore
import Foundation
import GRDB
import Testing

/// A temporary directory with an audience database and helpers to write exports into it.
final class Workspace {
    let root: URL
    let databasePath: String
    private(set) lazy var store: AudienceStore = try! AudienceStore(path: databasePath)
    /// A second connection for inspecting the tables, opened once: opening one per look costs
    /// more than a small sync. Opened after the store, so the schema exists.
    private(set) lazy var inspector: DatabaseQueue = {
        _ = store
        return try! DatabaseQueue(path: databasePath)
    }()

    /// - Parameter base: where to create the directory; the system's temporary directory by default.
    init(base: URL = FileManager.default.temporaryDirectory) throws {
        root = base.appendingPathComponent("audience-sync-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        databasePath = root.appendingPathComponent("audience.db").path
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Writes `text` to a file in the workspace and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = root.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = root.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Imports users (and optionally memberships) for a directory.
    @discardableResult
    func sync(
        _ directory: String = "acme", users: String, groups: String? = nil, catalog: String? = nil,
        attributes: AttributeSelection = .none, guard removalGuard: RemovalGuard = RemovalGuard(),
        dryRun: Bool = false, skipUnchanged: Bool = true
    ) throws -> SyncReport {
        let usersPath = try write("users-\(UUID().uuidString).csv", users)
        let groupsPath = try groups.map { try write("groups-\(UUID().uuidString).csv", $0) }
        let catalogPath = try catalog.map { try write("catalog-\(UUID().uuidString).csv", $0) }
        let request = SyncRequest(
            directory: directory, usersPath: usersPath, groupsPath: groupsPath, catalogPath: catalogPath,
            attributes: attributes, removalGuard: removalGuard, dryRun: dryRun, skipUnchanged: skipUnchanged)
        return try DirectorySync(store: store).run(request)
    }

    /// The effective audience as CSV lines (without header).
    func export(directory: String? = nil) throws -> [String] {
        var lines: [String] = []
        try AudienceExporter(store: store).forEachRecipient(directory: directory) { recipient in
            lines.append(
                [recipient.email, recipient.firstName, recipient.lastName, recipient.groups.joined(separator: ";"),
                 recipient.sources.joined(separator: ";")].joined(separator: ","))
        }
        return lines
    }

    /// Every row of the audience tables, for "the database is exactly as before" checks.
    func dump() throws -> [String] {
        try inspector.read { db in
            var lines: [String] = []
            for table in ["members", "groups", "memberships", "lists", "list_recipients"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2") {
                    lines.append("\(table): \(row.description)")
                }
            }
            return lines
        }
    }

    /// A column of one member.
    func member(_ userID: String, _ column: String, directory: String = "acme") throws -> String? {
        let queue = try DatabaseQueue(path: databasePath)
        return try queue.read { db in
            try String.fetchOne(
                db, sql: "SELECT \(column) FROM members WHERE directory = ? AND user_id = ?", arguments: [directory, userID])
        }
    }
}

/// Builds a users.csv from compact specs: `id:email:first:last[:state]`.
func usersCSV(_ rows: [String], header: String = "user_id,email,first_name,last_name,state") -> String {
    ([header] + rows.map { spec in
        var parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        while parts.count < 5 { parts.append(parts.count == 4 ? "active" : "x") }
        return parts.joined(separator: ",")
    }).joined(separator: "\n") + "\n"
}

/// `n` active users u1...un with emails un@example.com.
func manyUsers(_ range: ClosedRange<Int>, state: String = "active") -> [String] {
    range.map { "u\($0):u\($0)@example.com:First\($0):Last\($0):\(state)" }
}
