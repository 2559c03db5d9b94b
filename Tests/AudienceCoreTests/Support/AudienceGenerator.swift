import AudienceCore
import Foundation

/// Draws the people, emails, groups and lists of one property case from a seed.
///
/// Emails come from a small pool and are re-spelled (case, surrounding blanks) on every use, so
/// directory members, inactive rows, other directories and manual lists collide by case often.
/// A directory keeps a population that evolves from snapshot to snapshot (people join and leave,
/// change email, name, state, attributes and groups; groups are renamed), as real exports do.
struct AudienceGenerator {
    var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    static let locals = ["ann", "bob", "chloé", "dmitri", "eve", "zoë", "li", "o.brien", "x"]
    static let domains = ["example.com", "Example.ORG", "bücher.de", "mail.example.co.uk"]
    static let names = [
        "Ann", "O'Brien", "\"Bobby\"", "Smith, Jr.", "Line\nBreak", "Zoë", "李", "  Padded  ", "Ünal", "José",
        "a\"b,c", "Ω", "🙂 Smile", "Tab\there", "X",
    ]
    static let values = ["", "Paris", "São Paulo", "Dept, 2", "Ops \"core\"", "Nord\nSud", "  ", "Engineering"]
    static let groupNames = ["Eng", "Ops", "Sales, EMEA", "R&D \"core\"", "Ünïcode", " Padded ", "Alumni", "Eng 2"]

    /// One of the pool's addresses, as a key (its canonical lowercase form).
    mutating func emailBase() -> String {
        let local = random.pick(Self.locals) + String(random.int(0...5))
        return (local + "@" + random.pick(Self.domains)).lowercased()
    }

    /// The address spelled one of several ways that all compare equal.
    mutating func spell(_ base: String) -> String {
        var text: String
        switch random.int(0...5) {
        case 0: text = base.uppercased()
        case 1: text = String(base.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.uppercased()) : $0.element })
        case 2: text = base.prefix(1).uppercased() + base.dropFirst()
        default: text = base
        }
        if random.chance(10) { text = " " + text }
        if random.chance(10) { text += "\t" }
        return text
    }

    mutating func name() -> String { random.pick(Self.names) }

    mutating func lists() -> [ListSpec] {
        (0..<random.int(0...2)).map { index in
            var rows: [(String, String, String)] = []
            for _ in 0..<random.int(1...8) {
                rows.append((spell(emailBase()), random.chance(70) ? name() : "", random.chance(50) ? name() : ""))
            }
            if random.chance(20) { rows.append(("not-an-address", "Bad", "Row")) }
            return ListSpec(name: index == 0 ? "vip" : "press, \"weekly\"", rows: rows)
        }
    }
}

/// A directory whose population evolves from one snapshot to the next.
struct DirectoryUniverse {
    struct Person {
        var id: String
        var email: String
        var first: String
        var last: String
        var state: String
        var attributes: [Attribute: String]
        var groups: [Int]
    }

    let name: String
    private var people: [Person] = []
    private var present: [Bool] = []
    private var groups: [(key: String, name: String)] = []
    private var keyedByID: Bool
    private var hasState: Bool
    private var selection: AttributeSelection
    private var nextUnique = 0

    static let attributes: [Attribute] = [.jobTitle, .city, .departmentName]
    static let activeStates = ["active", "Active", " ACTIVE ", "enabled", "true", "1"]
    static let inactiveStates = ["inactive", "suspended", "Disabled", "deactivated", "terminated", "deleted", "false", "0"]

    init(name: String, generator: inout AudienceGenerator) {
        self.name = name
        var random = generator.random.fork()
        keyedByID = random.chance(50)
        hasState = random.chance(80)
        selection = AttributeSelection(enabled: Self.attributes.filter { _ in random.chance(40) })
        let idStyle = random.int(0...2)
        groups = (0..<random.int(1...6)).map { index in
            let name = AudienceGenerator.groupNames[(index + random.int(0...7)) % 8]
            return (key: "g\(index)", name: name)
        }
        for index in 0..<random.int(3...30) {
            let id = ["u\(index)", "E-\(1000 + index * 7)", "ü-\(index)"][idStyle]
            people.append(
                Person(
                    id: id, email: generator.emailBase(), first: generator.name(), last: generator.name(),
                    state: random.chance(80) ? random.pick(Self.activeStates) : random.pick(Self.inactiveStates),
                    attributes: Dictionary(uniqueKeysWithValues: Self.attributes.map { ($0, random.pick(AudienceGenerator.values)) }),
                    groups: (0..<random.int(0...3)).map { _ in random.int(0...(groups.count - 1)) }))
            present.append(random.chance(75))
        }
        generator.random = random
    }

    /// The next snapshot: the population changes a little (or a lot), then is written out.
    ///
    /// - Parameters:
    ///   - clean: no rejected `users.csv` row (membership rows may still name unknown users).
    ///   - withGroups: whether `user_groups.csv` is part of the snapshot (nil: random).
    mutating func next(_ generator: inout AudienceGenerator, clean: Bool, withGroups: Bool? = nil) -> SnapshotSpec {
        var random = generator.random.fork()
        let churn = random.chance(15) ? 60 : 12
        for index in people.indices {
            if random.chance(churn) { present[index].toggle() }
            guard random.chance(churn) else { continue }
            switch random.int(0...5) {
            case 0: people[index].email = generator.emailBase()
            case 1: people[index].first = generator.name()
            case 2: people[index].state = random.pick(random.chance(50) ? Self.activeStates : Self.inactiveStates)
            case 3: people[index].attributes[random.pick(Self.attributes)] = random.pick(AudienceGenerator.values)
            case 4: people[index].groups = (0..<random.int(0...3)).map { _ in random.int(0...(groups.count - 1)) }
            default: people[index].last = generator.name()
            }
        }
        if keyedByID && random.chance(30) {
            let index = random.int(0...(groups.count - 1))
            groups[index].name = random.pick(AudienceGenerator.groupNames)
        }
        if random.chance(10) { keyedByID.toggle() }
        if random.chance(10) { hasState.toggle() }
        if random.chance(15) { selection = AttributeSelection(enabled: Self.attributes.filter { _ in random.chance(40) }) }
        if !present.contains(true) { present[random.int(0...(present.count - 1))] = true }

        var rows: [UserSpec] = []
        var memberships: [MembershipSpec] = []
        var activeKeys: Set<String> = []
        for index in random.shuffled(Array(people.indices)) where present[index] {
            let person = people[index]
            var state = hasState ? person.state : "active"
            let active = Self.activeStates.contains(state)
            if active && !activeKeys.insert(person.email).inserted {
                // Two active people may not share an address in a clean file: the later one is
                // written inactive (still colliding by case, which is allowed), or gets its own.
                if hasState { state = "suspended" } else { continue }
            }
            let spelledID = random.chance(10) ? " \(person.id) " : person.id
            rows.append(
                UserSpec(
                    id: spelledID, email: generator.spell(person.email), first: person.first, last: person.last,
                    state: state, attributes: person.attributes))
            for group in person.groups {
                let entry = groups[group]
                // Now and then a row spells its group's name differently: the first row seen names the group.
                memberships.append(MembershipSpec(user: random.chance(10) ? " \(person.id)" : person.id,
                    key: keyedByID ? entry.key : entry.name,
                    name: random.chance(5) ? random.pick(AudienceGenerator.groupNames) : entry.name))
            }
        }
        if random.chance(20) {
            memberships.append(MembershipSpec(user: "ghost-\(random.int(0...9))", key: keyedByID ? "g0" : "Eng", name: "Eng"))
        }
        if !clean { injectFaults(into: &rows, memberships: &memberships, random: &random, generator: &generator) }
        let catalog: [MembershipSpec]? =
            random.chance(30)
            ? random.shuffled(groups).prefix(random.int(0...groups.count)).map {
                MembershipSpec(user: "", key: keyedByID ? $0.key : $0.name, name: random.chance(10) ? "Other \($0.name)" : $0.name)
            } + [MembershipSpec(user: "", key: keyedByID ? "g-alumni" : "Alumni", name: "Alumni")] : nil
        var spec = SnapshotSpec(
            directory: name, users: rows, hasState: hasState,
            attributeColumns: Self.attributes.filter { _ in random.chance(60) }, selection: selection,
            memberships: (withGroups ?? random.chance(80)) ? random.shuffled(memberships) : nil,
            groupsKeyedByID: keyedByID, catalog: catalog, renderSeed: random.next())
        spec.limitMembershipRejects()
        generator.random = random
        return spec
    }

    /// Adds one to three kinds of rejected rows; few enough that the reject limit never refuses the file.
    private mutating func injectFaults(
        into rows: inout [UserSpec], memberships: inout [MembershipSpec], random: inout SplitMix64,
        generator: inout AudienceGenerator
    ) {
        for _ in 0..<random.int(1...3) {
            let target = random.int(0...(rows.count - 1))
            switch random.int(0...7) {
            case 0: rows[target].email = random.pick(["nobody.example.com", "a@b@example.com", "x@localhost"])
            case 1: rows[target].last = "  "
            case 2:
                if hasState { rows[target].state = random.pick(["maybe", ""]) } else { rows[target].first = "" }
            case 3: rows[target].extraField = true
            case 4:
                var twin = rows[target]
                nextUnique += 1
                twin.email = "twin\(nextUnique)@example.net"
                rows.insert(twin, at: random.int(0...rows.count))
            case 5:
                // Two active rows sharing an address by case: both are rejected.
                var other = rows[target]
                nextUnique += 1
                other.id = "clash-\(nextUnique)"
                other.state = "active"
                rows[target].state = "active"
                other.email = generator.spell(rows[target].email.lowercased().trimmingCharacters(in: .whitespaces))
                rows.append(other)
            case 6: rows.append(UserSpec(id: "  ", email: "anon@example.com", first: "No", last: "Id", state: "active"))
            default:
                // A rejected row spanning lines may hide rows: nobody is removed this run.
                rows[target].first = "Multi\nLine"
                rows[target].email = "broken-address"
            }
            if random.chance(30) {
                memberships.append(MembershipSpec(user: rows[target].id, key: "", name: ""))
            }
        }
    }
}

extension SnapshotSpec {
    /// Drops rejected `user_groups.csv` rows beyond six, so the reject limit (10) never refuses a
    /// snapshot the generator meant to be accepted (a rejected user's memberships are all rejected).
    mutating func limitMembershipRejects() {
        guard let rows = memberships else { return }
        var kept = 0
        memberships = zip(rows, AudienceModel.rejectedMemberships(self)).compactMap { row, rejected in
            guard rejected else { return row }
            kept += 1
            return kept <= 6 ? row : nil
        }
    }
}
