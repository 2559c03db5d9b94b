import ArgumentParser
import AudienceCore

/// `--db PATH`, shared by every command that opens the audience database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("The audience database (SQLite); created if missing.", valueName: "path"))
    var path: String

    /// Opens the audience database named by `--db`.
    ///
    /// - Parameter readOnly: for commands that only read: the database must exist, and is neither
    ///   created nor migrated.
    /// - Throws: `StoreError` (exit 66 when a read-only database is missing, 74 otherwise).
    func openStore(readOnly: Bool = false) throws -> AudienceStore {
        try AudienceStore(path: path, readOnly: readOnly)
    }

    /// Runs `body` on the database opened for writing, holding the run lock throughout, so no sync
    /// or import changes the audience meanwhile.
    ///
    /// - Returns: `body`'s exit code.
    /// - Throws: `RunLockError` (exit 75) when another run holds the lock, `StoreError`, or what `body` throws.
    func withLockedStore(_ body: (AudienceStore) throws -> Int32) throws -> Int32 {
        let lock = try RunLock(databasePath: path)
        defer { lock.release() }
        let store = try openStore()
        defer { store.close() }
        return try body(store)
    }
}

/// Output format for commands that print data.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case csv
}
