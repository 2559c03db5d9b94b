import AudienceCore
import Foundation
import Testing

/// Property tests of the diff engine over seeded random snapshot sequences.
///
/// Every run is also checked against `AudienceModel`, the file contract written as code, and
/// against the rule that a sync never touches manual lists. A failure names its seed; replay it
/// with `AUDIENCE_SYNC_PROPERTY_SEED=N`.
@Suite("Property: the diff engine", .timeLimit(.minutes(PropertyRuns.minutes)))
struct DiffPropertyTests {
    /// A then B ends exactly where B alone into an empty database does, for every accepted B whose
    /// users.csv has no rejected row and which manages memberships (both conditions are part of
    /// the contract: a rejected row keeps the person as stored, and no user_groups.csv keeps the
    /// memberships).
    @Test func historyDoesNotMatterForACleanSnapshot() throws {
        var compared = 0
        PropertyCase.forEachSeed { test, generator in
            let lists = generator.lists()
            var acme = DirectoryUniverse(name: "acme", generator: &generator)
            var beta = generator.random.chance(30) ? DirectoryUniverse(name: "beta", generator: &generator) : nil
            let other = beta?.next(&generator, clean: generator.random.chance(50))
            let a = acme.next(&generator, clean: generator.random.chance(60))
            let b = acme.next(&generator, clean: generator.random.chance(70))

            let history = try Workspace.forProperties()
            try history.importLists(lists)
            if let other { try test.runChecked(other, in: history, step: "other directory") }
            try test.runChecked(a, in: history, step: "A")
            try test.runChecked(b, in: history, step: "B after A")

            if AudienceModel.verdict(b).clean && b.memberships != nil {
                compared += 1
                let alone = try Workspace.forProperties()
                try alone.importLists(lists)
                if let other { try test.run(other, in: alone, step: "other directory (fresh)") }
                try test.run(b, in: alone, step: "B alone")
                let left = try history.audienceState()
                let right = try alone.audienceState()
                test.check(left == right, "A then B differs from B alone (stored rows)", left.differences(from: right))
                let exports = (try exportLines(history.store), try exportLines(alone.store))
                test.check(exports.0 == exports.1, "A then B exports differently from B alone",
                    firstDifference(exports.0, exports.1))
            }
        }
        // The generator must keep producing the interesting case, or the property checks nothing.
        #expect(compared * 3 >= PropertyRuns.seeds.count || PropertyRuns.seeds.count < 10, "only \(compared) clean pairs")
    }

    /// B then B: the second run (forced past the unchanged-files shortcut) plans nothing and
    /// leaves every audience table byte for byte as it was; a third run is recognised as unchanged.
    /// Also: a dry run of B reports exactly the counts the real run then has.
    @Test func applyingTheSameSnapshotTwiceChangesNothing() throws {
        PropertyCase.forEachSeed { test, generator in
            let lists = generator.lists()
            var acme = DirectoryUniverse(name: "acme", generator: &generator)
            let a = acme.next(&generator, clean: generator.random.chance(50))
            let b = acme.next(&generator, clean: generator.random.chance(50))
            let space = try Workspace.forProperties()
            try space.importLists(lists)
            try test.runChecked(a, in: space, step: "A")
            let predicted = try test.run(b, in: space, step: "B dry run", dryRun: true)
            let first = try test.runChecked(b, in: space, step: "B")
            test.check(predicted.outcome == .dryRun && predicted.counts == first.counts,
                "the dry run predicted other counts than the run", "\(predicted.counts.summary) vs \(first.counts.summary)")
            let dump = try space.dump()
            let export = try exportLines(space.store)

            let again = try test.run(b, in: space, step: "B again", skipUnchanged: false)
            test.check(again.outcome == .applied && again.counts.isEmpty, "B again: planned changes",
                "\(again.outcome) \(again.counts.summary)")
            test.check(again.counts.unchanged == first.counts.added + first.counts.updated + first.counts.unchanged,
                "B again: every member should be unchanged", "\(first.counts.summary) then \(again.counts.summary)")
            test.check(again.counts.rejected == first.counts.rejected, "B again: rejections differ")
            let dumpAgain = try space.dump()
            test.check(dumpAgain == dump, "B again: database changed", firstDifference(dumpAgain, dump))
            test.check(try exportLines(space.store) == export, "B again: export changed")

            let third = try test.run(b, in: space, step: "B a third time")
            test.check(third.outcome == .unchanged, "B a third time: outcome \(third.outcome), expected unchanged")
            test.check(try space.dump() == dump, "B a third time: database changed")
        }
    }

    /// A sequence of snapshots over one or two directories, each run checked against the model,
    /// ends exactly where the last snapshot of each directory applied alone ends.
    @Test func aSequenceEndsWhereItsLastSnapshotsAloneEnd() throws {
        var steps = 0
        PropertyCase.forEachSeed { test, generator in
            let lists = generator.lists()
            var universes = [DirectoryUniverse(name: "acme", generator: &generator)]
            if generator.random.chance(50) { universes.append(DirectoryUniverse(name: "beta", generator: &generator)) }
            let space = try Workspace.forProperties()
            try space.importLists(lists)
            var last: [String: SnapshotSpec] = [:]
            for step in 0..<generator.random.int(2...6) {
                let which = generator.random.int(0...(universes.count - 1))
                let spec = universes[which].next(&generator, clean: generator.random.chance(60))
                try test.runChecked(spec, in: space, step: "step \(step + 1) (\(spec.directory))")
                last[spec.directory] = spec
                steps += 1
            }
            // Close with a clean, membership-managing snapshot of each directory used.
            for index in universes.indices where last[universes[index].name] != nil {
                let spec = universes[index].next(&generator, clean: true, withGroups: true)
                try test.runChecked(spec, in: space, step: "closing \(spec.directory)")
                last[spec.directory] = spec
                steps += 1
            }
            let alone = try Workspace.forProperties()
            try alone.importLists(lists)
            for spec in last.values.sorted(by: { $0.directory < $1.directory }) {
                try test.run(spec, in: alone, step: "\(spec.directory) alone")
            }
            let left = try space.audienceState()
            let right = try alone.audienceState()
            test.check(left == right, "the sequence differs from its last snapshots alone", left.differences(from: right))
            let exports = (try exportLines(space.store), try exportLines(alone.store))
            test.check(exports.0 == exports.1, "the sequence exports differently", firstDifference(exports.0, exports.1))
        }
        #expect(steps >= PropertyRuns.seeds.count * 3)
    }
}
