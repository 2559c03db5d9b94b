/// The groups a run knows about, numbered locally: the directory's groups in the database and
/// the groups named by the files. Keys are hashed, so a membership row costs no allocation.
struct GroupTable {
    struct Entry {
        var key: String
        var name: String
        /// The database id, or nil for a group the run creates.
        var databaseID: Int64?
        /// Named by the files (memberships or catalog) in this run.
        var inFiles = false
        /// The name the files give, when it differs from the stored one.
        var renamed = false
    }

    private(set) var entries: [Entry] = []
    private var byKey = KeyIndex()
    /// Local number by database id: group ids are small integers, so a dense array indexed by id
    /// (-1 for other directories' groups) answers the 3M lookups of a membership scan cheaply.
    private var byDatabaseID: [Int32] = []

    /// Local group numbers fit in 24 bits of a packed membership.
    static let maxGroups = 1 << 24

    mutating func addStored(id: Int64, key: String, name: String) {
        let index = Int32(entries.count)
        entries.append(Entry(key: key, name: name, databaseID: id))
        _ = byKey.insertIfAbsent(Hasher128.hash(key), index)
        if id >= 0 && id < Int64(Self.maxGroups) {
            if Int(id) >= byDatabaseID.count { byDatabaseID += [Int32](repeating: -1, count: Int(id) + 1 - byDatabaseID.count) }
            byDatabaseID[Int(id)] = index
        }
    }

    /// The local number of the group with this key, registering it (and its name) when new.
    ///
    /// - Parameters:
    ///   - keyBytes: the trimmed key (group_id, or group_name when there is no group_id column).
    ///   - name: produces the display name; called only when the group is first seen in the files.
    mutating func resolve(keyBytes: UnsafeBufferPointer<UInt8>, name: () -> String) throws(SnapshotLimitError) -> Int32 {
        let hash = Hasher128.hash(keyBytes)
        if let index = byKey[hash] {
            if !entries[Int(index)].inFiles {
                entries[Int(index)].inFiles = true
                let fileName = name()
                if fileName != entries[Int(index)].name {
                    entries[Int(index)].name = fileName
                    entries[Int(index)].renamed = true
                }
            }
            return index
        }
        guard entries.count < Self.maxGroups else { throw SnapshotLimitError.tooManyGroups(limit: Self.maxGroups) }
        let index = Int32(entries.count)
        var entry = Entry(key: String(decoding: keyBytes, as: UTF8.self), name: name(), databaseID: nil)
        entry.inFiles = true
        entries.append(entry)
        _ = byKey.insertIfAbsent(hash, index)
        return index
    }

    func local(databaseID: Int64) -> Int32? {
        if databaseID >= 0 && databaseID < Int64(byDatabaseID.count) {
            let index = byDatabaseID[Int(databaseID)]
            return index >= 0 ? index : nil
        }
        // Ids beyond the dense range (never in practice) fall back to a search.
        return entries.firstIndex { $0.databaseID == databaseID }.map(Int32.init)
    }
}

/// A snapshot beyond what the packed in-memory representation can hold.
enum SnapshotLimitError: Error, CustomStringConvertible {
    case tooManyGroups(limit: Int)
    case memberIDTooLarge(Int64)

    var description: String {
        switch self {
        case .tooManyGroups(let limit): return "more than \(limit) groups in one directory are not supported."
        case .memberIDTooLarge(let id): return "member id \(id) exceeds 2^39; run VACUUM-style renumbering."
        }
    }
}

/// A membership packed into 64 bits: member id in the high 40 bits, local group number in the low 24.
/// Sorting packed values sorts by member, then group, which is also the table's key order.
enum PackedMembership {
    static func pack(member: Int64, group: Int32) -> UInt64 {
        (UInt64(member) << 24) | UInt64(UInt32(group))
    }

    static func member(_ packed: UInt64) -> Int64 { Int64(packed >> 24) }
    static func group(_ packed: UInt64) -> Int32 { Int32(packed & 0xff_ffff) }
}
