import GRDB

/// The group-level plan: groups created, renamed and removed, memberships added and removed.
struct MembershipDiff {
    var added: [UInt64] = []
    var removed: [UInt64] = []
    var groupsAdded: [Int32] = []
    var groupsRenamed: [Int32] = []
    var groupsRemoved: [Int64] = []

    /// Loads the directory's groups into `groups` and returns its memberships, packed and sorted.
    static func loadCurrent(db: Database, directory: String, groups: inout GroupTable) throws -> [UInt64] {
        let stored = try Row.fetchCursor(
            db, sql: "SELECT id, group_key, name FROM groups WHERE directory = ? ORDER BY id", arguments: [directory])
        while let row = try stored.next() {
            groups.addStored(id: row[0], key: row[1], name: row[2])
        }
        var pairs: [UInt64] = []
        let known = groups
        // One sequential pass over the whole table, keeping the pairs whose group belongs to this
        // directory, beats joining every membership to its member (0.2 s against 0.5 s at 3M rows).
        guard !known.entries.isEmpty else { return [] }
        try BulkReader.forEachRow(db, sql: "SELECT member_id, group_id FROM memberships", arguments: []) { column in
            guard let group = known.local(databaseID: column(1)) else { return }
            pairs.append(PackedMembership.pack(member: column(0), group: group))
        }
        pairs.sort()
        return pairs
    }

    /// Compares current and new memberships.
    ///
    /// - Parameters:
    ///   - current: the directory's memberships, packed and sorted.
    ///   - new: the files' memberships, packed and sorted; nil when memberships are not managed this run.
    ///   - protected: members whose rows were rejected: their memberships stay as they are.
    ///   - removedMembers: members the run deletes (sorted): their memberships go too.
    ///   - groups: the run's group table.
    init(current: [UInt64], new: [UInt64]?, protected: Set<Int64>, removedMembers: [Int64], groups: GroupTable) {
        var stillUsed = [Bool](repeating: false, count: groups.entries.count)
        if let new {
            var i = 0
            var j = 0
            while i < current.count || j < new.count {
                if j == new.count || (i < current.count && current[i] < new[j]) {
                    let pair = current[i]
                    if protected.contains(PackedMembership.member(pair)) {
                        stillUsed[Int(PackedMembership.group(pair))] = true
                    } else {
                        removed.append(pair)
                    }
                    i += 1
                } else if i == current.count || new[j] < current[i] {
                    added.append(new[j])
                    stillUsed[Int(PackedMembership.group(new[j]))] = true
                    j += 1
                } else {
                    stillUsed[Int(PackedMembership.group(new[j]))] = true
                    i += 1
                    j += 1
                }
            }
        } else {
            // Memberships are not managed: only those of removed members go.
            for pair in current {
                if removedMembers.binarySearchContains(PackedMembership.member(pair)) {
                    removed.append(pair)
                } else {
                    stillUsed[Int(PackedMembership.group(pair))] = true
                }
            }
        }
        for (index, entry) in groups.entries.enumerated() {
            if entry.databaseID == nil {
                groupsAdded.append(Int32(index))
            } else if entry.renamed {
                groupsRenamed.append(Int32(index))
            } else if new != nil, !entry.inFiles, !stillUsed[index], let id = entry.databaseID {
                groupsRemoved.append(id)
            }
        }
    }

    /// Writes the plan: new groups get ids first, so the memberships can name them.
    func apply(db: Database, storePath: String, directory: String, groups: GroupTable) throws {
        var databaseIDs = groups.entries.map { $0.databaseID ?? 0 }
        if !groupsAdded.isEmpty {
            var next = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM groups") ?? 0) + 1
            let insert = try db.makeStatement(sql: "INSERT INTO groups (id, directory, group_key, name) VALUES (?, ?, ?, ?)")
            for index in groupsAdded {
                let entry = groups.entries[Int(index)]
                try insert.execute(arguments: [next, directory, entry.key, entry.name])
                databaseIDs[Int(index)] = next
                next += 1
            }
        }
        for index in groupsRenamed {
            try db.execute(
                sql: "UPDATE groups SET name = ? WHERE id = ?",
                arguments: [groups.entries[Int(index)].name, databaseIDs[Int(index)]])
        }
        let delete = try BulkStatement(db, path: storePath, sql: "DELETE FROM memberships WHERE member_id = ? AND group_id = ?")
        for pair in removed {
            try delete.run(PackedMembership.member(pair), databaseIDs[Int(PackedMembership.group(pair))])
        }
        let insert = try BulkStatement(db, path: storePath, sql: "INSERT INTO memberships (member_id, group_id) VALUES (?, ?)")
        for pair in added {
            try insert.run(PackedMembership.member(pair), databaseIDs[Int(PackedMembership.group(pair))])
        }
        for id in groupsRemoved {
            try db.execute(sql: "DELETE FROM groups WHERE id = ?", arguments: [id])
        }
    }
}

extension Array where Element == Int64 {
    /// Binary search in a sorted array.
    func binarySearchContains(_ value: Int64) -> Bool {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if self[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low < count && self[low] == value
    }
}
