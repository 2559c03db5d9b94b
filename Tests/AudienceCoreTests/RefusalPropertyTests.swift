import AudienceCore
import Foundation
import Testing

/// Property: a run refused by a file-level error, held by the removal guard, or dry, changes
/// nothing in the audience, and the directory's next runs behave as if it never happened.
@Suite("Property: refused and held runs change nothing", .timeLimit(.minutes(PropertyRuns.minutes)))
struct RefusalPropertyTests {
    /// Ways to break a snapshot. Several fail only inside the write transaction, after members
    /// were already written (user_groups.csv and groups.csv are read last), so they prove the rollback.
    enum Breakage: CaseIterable {
        case missingColumn, duplicateColumn, tooManyUserRejects, tooManyMembershipRejects, unterminatedQuote,
            invalidUTF8, nulByte, headerOnly, emptyFile, missingGroupsFile, usersIsADirectory,
            membershipsInvalidUTF8, membershipsUnterminatedQuote, membershipsMissingColumn, catalogMissingColumn,
            guardHeld, dryRun
    }

    @Test func refusedHeldAndDryRunsChangeNothing() throws {
        var byKind: [String: Int] = [:]
        PropertyCase.forEachSeed { test, generator in
            let lists = generator.lists()
            var acme = DirectoryUniverse(name: "acme", generator: &generator)
            let a = acme.next(&generator, clean: generator.random.chance(70))
            var b = acme.next(&generator, clean: generator.random.chance(70), withGroups: true)
            let space = try Workspace.forProperties()
            try space.importLists(lists)
            try test.runChecked(a, in: space, step: "A")
            let before = try space.audienceState()
            let dump = try space.dump()
            let export = try exportLines(space.store)
            let runs = try space.store.history(limit: 1000).count

            var kind = Breakage.allCases[generator.random.int(0...(Breakage.allCases.count - 1))]
            let members = before.members.keys.map { AudienceModel.trim($0.components(separatedBy: AudienceState.separator)[1]) }
            // The default guard needs ten removals; smaller audiences get a guard that holds any removal.
            var removalGuard = members.count >= 11 ? RemovalGuard() : RemovalGuard(maxPercent: 0, minimumCount: 1)
            if kind == .guardHeld {
                if members.count >= 2 && !AudienceModel.verdict(a).unidentified {
                    // A's own file without some current members: 10 of at most 30 is over 10%; 1 trips the strict guard.
                    let dropped = Set(generator.random.shuffled(members).prefix(members.count >= 11 ? 10 : 1))
                    b = a
                    b.users.removeAll { dropped.contains(AudienceModel.trim($0.id)) }
                    b.limitMembershipRejects()
                } else {
                    kind = .dryRun
                }
            }
            if kind == .dryRun && generator.random.chance(50) {
                // Half the dry runs keep the guard armed: one it would hold must write nothing either.
            } else if kind != .guardHeld {
                removalGuard = RemovalGuard(disabled: true)
            }
            byKind["\(kind)", default: 0] += 1
            let step = "B broken by \(kind)"
            do {
                let request = try Self.broken(b, kind, guard: removalGuard, in: space, random: &generator.random)
                let report = try DirectorySync(store: space.store).run(request)
                test.check(try space.lists() == before.lists, "\(step): lists changed")
                switch kind {
                case .guardHeld:
                    test.check(report.outcome == .held && report.exitCode == 65, "\(step): not held", "\(report.outcome)")
                    test.check(try space.store.history(limit: 1).first?.outcome == "held", "\(step): not recorded as held")
                case .dryRun:
                    test.check(report.outcome == .dryRun || (report.outcome == .held && !removalGuard.disabled),
                        "\(step): outcome \(report.outcome)")
                    test.check(try space.store.history(limit: 1000).count == runs, "\(step): a dry run was recorded")
                default:
                    test.check(false, "\(step): the run was accepted", report.counts.summary)
                }
            } catch {
                test.check(error is ValidationError && ![.guardHeld, .dryRun].contains(kind), "\(step): unexpected error", "\(error)")
                // A missing input fails before the run starts, so only the other refusals are in the history.
                if kind != .missingGroupsFile {
                    test.check(try space.store.history(limit: 1).first?.outcome == "rejected", "\(step): not recorded as rejected")
                }
            }
            let dumpAfter = try space.dump()
            test.check(dumpAfter == dump, "\(step): the database changed", firstDifference(dumpAfter, dump))
            test.check(try exportLines(space.store) == export, "\(step): the export changed")

            // The refused run must not count as applied: A again is still recognised as unchanged.
            let again = try test.run(a, in: space, step: "A again after \(kind)")
            test.check(again.outcome == .unchanged, "A again after \(kind): outcome \(again.outcome)")
        }
        if PropertyRuns.seeds.count >= 100 {
            #expect(byKind.count == Breakage.allCases.count, "not every breakage was drawn: \(byKind)")
        }
    }

    /// The request for `spec` with one thing broken.
    static func broken(
        _ spec: SnapshotSpec, _ kind: Breakage, guard removalGuard: RemovalGuard, in space: Workspace, random: inout SplitMix64
    ) throws -> SyncRequest {
        var spec = spec
        switch kind {
        case .tooManyUserRejects:
            // At least 10 rejected rows and more than 5% of at most ~70 rows.
            for index in 0..<max(10, spec.users.count / 4) {
                spec.users.append(UserSpec(id: "bad-\(index)", email: "nobody.example.com", first: "F", last: "L", state: "active"))
            }
        case .tooManyMembershipRejects:
            let count = max(10, (spec.memberships?.count ?? 0) / 4)
            spec.memberships = (spec.memberships ?? []) + (0..<count).map { MembershipSpec(user: "ghost-\($0)", key: "g0", name: "G") }
        default:
            break
        }
        var request = try space.request(spec, guard: removalGuard, dryRun: kind == .dryRun)
        func rewrite(_ path: String, _ change: (inout [UInt8]) -> Void) throws {
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            change(&bytes)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        func rewriteHeader(_ path: String, _ change: (String) -> String) throws {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let end = text.firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) ?? text.endIndex
            try (change(String(text[..<end])) + text[end...]).write(toFile: path, atomically: false, encoding: .utf8)
        }
        let users = request.usersPath
        // Only the membership breakages use it, and their snapshots always have user_groups.csv.
        let groups = request.groupsPath ?? ""
        switch kind {
        case .missingColumn:
            try rewriteHeader(users) { $0.replacingOccurrences(of: "email", with: "e_mail", options: .caseInsensitive) }
        case .duplicateColumn: try rewriteHeader(users) { $0 + ",First_Name" }
        case .unterminatedQuote: try rewrite(users) { $0 += Array("u-last,\"cut off".utf8) }
        case .invalidUTF8:
            try rewrite(users) { bytes in
                // The reader skips text after a closing quote unvalidated (`"ab"\xC3(` rejects the row,
                // not the file, unlike the README's promise): step back before any run of quotes,
                // as a field ending in an escaped quote ends in three.
                var at = random.int(0...(bytes.count - 1))
                while at > 0 && bytes[at - 1] == UInt8(ascii: "\"") { at -= 1 }
                bytes.insert(contentsOf: [0xC3, 0x28], at: at)
            }
        case .nulByte: try rewrite(users) { $0.insert(0, at: random.int(0...($0.count - 1))) }
        case .headerOnly: try rewrite(users) { bytes in bytes = Array(bytes.prefix { $0 != 0x0a && $0 != 0x0d }) + [0x0a] }
        case .emptyFile: try rewrite(users) { $0 = [] }
        case .missingGroupsFile: request.groupsPath = space.root.appendingPathComponent("absent.csv").path
        case .usersIsADirectory:
            request.usersPath = space.root.appendingPathComponent("users-dir-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: request.usersPath, withIntermediateDirectories: false)
        case .membershipsInvalidUTF8: try rewrite(groups) { $0 += [0x0a, 0x75, 0xFF, 0x2c, 0x67, 0x0a] }
        case .membershipsUnterminatedQuote: try rewrite(groups) { $0 += Array("\n\"u1,g0\n".utf8) }
        case .membershipsMissingColumn: try rewriteHeader(groups) { _ in "user_id,team,label" }
        case .catalogMissingColumn:
            request.catalogPath = try space.write("groups-\(UUID().uuidString).csv", "description,owner\nx,y\n")
        case .tooManyUserRejects, .tooManyMembershipRejects, .guardHeld, .dryRun: break
        }
        return request
    }
}
