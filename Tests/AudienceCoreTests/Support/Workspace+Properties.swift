import AudienceCore
import Foundation
import GRDB

extension Workspace {
    /// A workspace on tmpfs when there is one: thousands of small databases are created, and
    /// on a shared disk their fsyncs, not the sync's logic, would set the pace (100 ms against
    /// 3 ms a database). These properties are about the diff logic, not durability.
    static func forProperties() throws -> Workspace {
        let shm = URL(fileURLWithPath: "/dev/shm")
        return try Workspace(base: FileManager.default.isWritableFile(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory)
    }

    /// Writes the snapshot's files and builds the request that applies them.
    func request(
        _ spec: SnapshotSpec, guard removalGuard: RemovalGuard = RemovalGuard(disabled: true), dryRun: Bool = false,
        skipUnchanged: Bool = true
    ) throws -> SyncRequest {
        let files = spec.render()
        let tag = UUID().uuidString
        return SyncRequest(
            directory: spec.directory, usersPath: try write("users-\(tag).csv", files.users),
            groupsPath: try files.groups.map { try write("user_groups-\(tag).csv", $0) },
            catalogPath: try files.catalog.map { try write("groups-\(tag).csv", $0) }, attributes: spec.selection,
            removalGuard: removalGuard, dryRun: dryRun, skipUnchanged: skipUnchanged)
    }

    /// The audience in the database (created first when no run has opened it yet).
    func audienceState() throws -> AudienceState {
        try AudienceState.read(inspector)
    }

    /// The manual lists' rows.
    func lists() throws -> [String] {
        try inspector.read(AudienceState.readLists)
    }

    func importLists(_ lists: [ListSpec]) throws {
        for list in lists {
            _ = try ManualLists(store: store).importList(name: list.name, path: try write("list-\(UUID().uuidString).csv", list.csv))
        }
    }
}
