import AudienceCore
import Foundation

/// What the README's file contract says a snapshot does to an audience, written from the contract
/// and not from the sync's code: an oracle for the property tests.
enum AudienceModel {
    enum Status { case active, inactive, rejected }

    /// What validation should make of a snapshot's users.
    struct Verdict {
        /// Per row, in file order.
        var status: [Status]
        /// Trimmed ids of every row that has one.
        var ids: Set<String>
        /// Trimmed ids whose rows are rejected.
        var rejectedIDs: Set<String>
        /// A rejected row without a usable id, or spanning lines: members missing from the file stay.
        var unidentified: Bool

        var clean: Bool { !status.contains(.rejected) }
    }

    static let activeWords: Set<String> = ["active", "enabled", "true", "1"]
    static let inactiveWords: Set<String> = [
        "inactive", "disabled", "suspended", "deactivated", "terminated", "deleted", "false", "0",
    ]

    /// Trims ASCII blanks, as the file contract does for values and keys.
    static func trim(_ text: String) -> String {
        var scalars = Substring(text)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    static func emailKey(_ email: String) -> String { trim(email).lowercased() }

    /// Enough of the address rule for the generator's addresses: one '@', something before it, a dotted domain.
    static func plausibleEmail(_ email: String) -> Bool {
        let parts = trim(email).split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !trim(email).contains(" ")
    }

    static func verdict(_ spec: SnapshotSpec) -> Verdict {
        var verdict = Verdict(status: [], ids: [], rejectedIDs: [], unidentified: false)
        var idCounts: [String: Int] = [:]
        for row in spec.users {
            let id = trim(row.id)
            var rejected = row.extraField || [row.id, row.email, row.first, row.last].contains { trim($0).isEmpty }
            var active = true
            if !rejected && spec.hasState {
                let state = trim(row.state).lowercased()
                if activeWords.contains(state) { active = true } else if inactiveWords.contains(state) { active = false } else { rejected = true }
            }
            if !rejected && !plausibleEmail(row.email) { rejected = true }
            if rejected {
                var fields = [row.id, row.email, row.first, row.last, spec.hasState ? row.state : ""]
                fields += spec.attributeColumns.map { row.attributes[$0] ?? "" }
                if id.isEmpty || fields.contains(where: { $0.contains("\n") || $0.contains("\r") }) {
                    verdict.unidentified = true
                }
            }
            verdict.status.append(rejected ? .rejected : active ? .active : .inactive)
            if !id.isEmpty {
                verdict.ids.insert(id)
                idCounts[id, default: 0] += 1
            }
        }
        // Every row of a repeated user_id is rejected, then every active row of a shared address.
        for (index, row) in spec.users.enumerated() where idCounts[trim(row.id), default: 0] > 1 {
            verdict.status[index] = .rejected
        }
        var emailCounts: [String: Int] = [:]
        for (index, row) in spec.users.enumerated() where verdict.status[index] == .active {
            emailCounts[emailKey(row.email), default: 0] += 1
        }
        for (index, row) in spec.users.enumerated()
        where verdict.status[index] == .active && emailCounts[emailKey(row.email)]! > 1 {
            verdict.status[index] = .rejected
        }
        for (index, row) in spec.users.enumerated() where verdict.status[index] == .rejected && !trim(row.id).isEmpty {
            verdict.rejectedIDs.insert(trim(row.id))
        }
        return verdict
    }

    /// Per `user_groups.csv` row: whether it is rejected (no user or group, an unknown user, or a user whose row is rejected).
    static func rejectedMemberships(_ spec: SnapshotSpec) -> [Bool] {
        let verdict = verdict(spec)
        return (spec.memberships ?? []).map { row in
            let id = trim(row.user)
            return id.isEmpty || trim(row.key).isEmpty || !verdict.ids.contains(id) || verdict.rejectedIDs.contains(id)
        }
    }

    /// The audience after `spec` is applied to `state` (the run is assumed accepted and not held).
    static func applying(_ spec: SnapshotSpec, to state: AudienceState) -> AudienceState {
        let directory = spec.directory
        let verdict = verdict(spec)
        func inDirectory(_ key: String) -> Bool { key.hasPrefix(directory + AudienceState.separator) }
        func user(_ key: String) -> String { key.components(separatedBy: AudienceState.separator)[1] }
        var next = state
        next.members = state.members.filter { !inDirectory($0.key) }
        next.groups = state.groups.filter { !inDirectory($0.key) }
        next.memberships = state.memberships.filter { !inDirectory($0) }

        // Rejected rows keep what the database has; with an unidentified one, so does everybody missing.
        let protected = Set(
            state.members.keys.filter { inDirectory($0) }.map(user).filter {
                verdict.rejectedIDs.contains($0) || (verdict.unidentified && !verdict.ids.contains($0))
            })
        var active: Set<String> = []
        for (index, row) in spec.users.enumerated() where verdict.status[index] == .active {
            let id = trim(row.id)
            active.insert(id)
            var attributes: [String: String] = [:]
            for attribute in spec.attributeColumns where spec.selection.contains(attribute) {
                let value = trim(row.attributes[attribute] ?? "")
                if !value.isEmpty { attributes[attribute.rawValue] = value }
            }
            next.members[AudienceState.key(directory, id)] = AudienceState.Member(
                email: trim(row.email), emailKey: emailKey(row.email), first: trim(row.first), last: trim(row.last),
                attributes: attributes, hashes: nil)
        }
        for id in protected { next.members[AudienceState.key(directory, id)] = state.members[AudienceState.key(directory, id)] }

        // Groups named by the files, first name seen wins: memberships of active users, then the catalog.
        var named: [(key: String, name: String)] = []
        var seen: Set<String> = []
        func name(_ key: String, _ raw: String) {
            let display = raw.trimmingCharacters(in: .whitespaces)
            if seen.insert(key).inserted { named.append((key, display.isEmpty ? key : display)) }
        }
        var pairs: Set<String> = []
        for row in spec.memberships ?? [] {
            let id = trim(row.user)
            let key = trim(row.key)
            guard !key.isEmpty, active.contains(id) else { continue }
            name(key, spec.groupsKeyedByID ? row.name : row.key)
            pairs.insert(AudienceState.key(directory, id, key))
        }
        for row in spec.catalog ?? [] where !trim(row.key).isEmpty {
            name(trim(row.key), spec.groupsKeyedByID ? row.name : row.key)
        }
        let current = state.memberships.filter { inDirectory($0) }
        if spec.memberships != nil {
            // A rejected user_groups.csv row keeps its active user's memberships as stored; one without a
            // user_id keeps those of everyone who stays a member.
            var keepsMemberships = protected
            var keepsAll = false
            for row in spec.memberships ?? [] where trim(row.user).isEmpty || trim(row.key).isEmpty {
                let id = trim(row.user)
                if id.isEmpty { keepsAll = true } else if active.contains(id) { keepsMemberships.insert(id) }
            }
            let kept = current.filter {
                keepsMemberships.contains(user($0))
                    || (keepsAll && next.members[AudienceState.key(directory, user($0))] != nil)
            }
            next.memberships.formUnion(pairs.union(kept))
            for pair in kept {
                let key = AudienceState.key(directory, pair.components(separatedBy: AudienceState.separator)[2])
                next.groups[key] = state.groups[key]
            }
        } else {
            next.memberships.formUnion(current.filter { active.contains(user($0)) || protected.contains(user($0)) })
            for (key, name) in state.groups where inDirectory(key) { next.groups[key] = name }
        }
        for (key, name) in named { next.groups[AudienceState.key(directory, key)] = name }
        return next
    }

    /// One expected line of `export`.
    struct ExpectedRecipient {
        /// (email, first name, last name) the line may show: one candidate, or several when members
        /// of one directory share the address (a rejected row kept an old member), which the export
        /// does not order.
        var names: [[String]]
        var groups: [String]
        var sources: [String]
    }

    /// The effective audience of `state`, by email key: directory members before list recipients,
    /// the alphabetically first source giving the name, groups and sources merged.
    static func export(of state: AudienceState) -> [String: ExpectedRecipient] {
        var rows: [String: [(source: String, kind: Int, names: [String], groups: [String])]] = [:]
        var groupsByMember: [String: [String]] = [:]
        for pair in state.memberships {
            let parts = pair.components(separatedBy: AudienceState.separator)
            guard parts.count == 3 else { continue }
            let member = AudienceState.key(parts[0], parts[1])
            groupsByMember[member, default: []].append(state.groups[AudienceState.key(parts[0], parts[2])] ?? "?")
        }
        for (key, member) in state.members {
            let directory = key.components(separatedBy: AudienceState.separator)[0]
            rows[member.emailKey, default: []].append(
                (directory, 0, [member.email, member.first, member.last], groupsByMember[key] ?? []))
        }
        for row in state.lists {
            let parts = row.components(separatedBy: AudienceState.separator)
            rows[parts[3], default: []].append(("list:" + parts[0], 1, [parts[2], parts[4], parts[5]], []))
        }
        return rows.mapValues { candidates in
            // SQLite orders the sources by their UTF-8 bytes.
            let best = candidates.min { lhs, rhs in
                lhs.kind != rhs.kind ? lhs.kind < rhs.kind : lhs.source.utf8.lexicographicallyPrecedes(rhs.source.utf8)
            }!
            return ExpectedRecipient(
                names: candidates.filter { $0.kind == best.kind && $0.source == best.source }.map(\.names),
                groups: Set(candidates.flatMap(\.groups)).sorted(), sources: Set(candidates.map(\.source)).sorted())
        }
    }
}

