import AudienceCore
import Foundation
import Testing

/// One seeded property case: a workspace plus the checks every run must pass, collecting
/// failures as readable lines instead of stopping at the first.
final class PropertyCase {
    let seed: UInt64
    private(set) var failures: [String] = []

    init(seed: UInt64) {
        self.seed = seed
    }

    /// Records a failure of `step` unless `condition` holds.
    func check(_ condition: Bool, _ step: String, _ detail: @autoclosure () -> String = "") {
        guard !condition else { return }
        // The first line of a comment is printed behind "↳", which CI's log filter drops: keep it empty of facts.
        failures.append("property failed\n" + PropertyRuns.replay(seed, step) + (detail().isEmpty ? "" : ":\n" + detail()))
    }

    /// Applies `spec`, checking that manual lists are untouched whatever the outcome.
    @discardableResult
    func run(
        _ spec: SnapshotSpec, in space: Workspace, step: String, guard removalGuard: RemovalGuard = RemovalGuard(disabled: true),
        dryRun: Bool = false, skipUnchanged: Bool = true
    ) throws -> SyncReport {
        let lists = try space.lists()
        defer { check((try? space.lists()) == lists, "\(step): manual lists changed") }
        return try DirectorySync(store: space.store).run(
            space.request(spec, guard: removalGuard, dryRun: dryRun, skipUnchanged: skipUnchanged))
    }

    /// Applies `spec` and checks the result against the model applied to the state before the run.
    @discardableResult
    func runChecked(_ spec: SnapshotSpec, in space: Workspace, step: String) throws -> SyncReport {
        let before = try space.audienceState()
        let report = try run(spec, in: space, step: step)
        let after = try space.audienceState()
        let expected = AudienceModel.applying(spec, to: before.withoutHashes)
        check(report.outcome == .applied || report.outcome == .unchanged, "\(step): outcome \(report.outcome)")
        check(after.withoutHashes == expected, "\(step): the database differs from the file contract's model",
            after.withoutHashes.differences(from: expected))
        let verdict = AudienceModel.verdict(spec)
        if report.outcome == .applied {
            check(report.counts.rejected >= verdict.status.filter { $0 == .rejected }.count,
                "\(step): \(report.counts.rejected) rejections reported, the model rejects \(verdict.status.filter { $0 == .rejected }.count) users rows")
        }
        try checkExport(space, state: after, step: step)
        return report
    }

    /// One recipient per email (case-insensitive), in order, with the name, groups and sources the
    /// README promises, compared with `AudienceModel.export(of:)`.
    func checkExport(_ space: Workspace, state: AudienceState, step: String) throws {
        var expected = AudienceModel.export(of: state)
        var keys: [String] = []
        try AudienceExporter(store: space.store).forEachRecipient { recipient in
            let key = AudienceModel.emailKey(recipient.email)
            keys.append(key)
            guard let model = expected.removeValue(forKey: key) else {
                return check(false, "\(step): export has a recipient the database does not", recipient.email)
            }
            let names = [recipient.email, recipient.firstName, recipient.lastName]
            check(model.names.contains(names) && model.groups == recipient.groups && model.sources == recipient.sources,
                "\(step): export line for \(key.debugDescription) differs from the model",
                "got \(names) \(recipient.groups) \(recipient.sources), expected one of \(model.names) \(model.groups) \(model.sources)")
        }
        check(keys.elementsEqual(keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }), "\(step): export is not sorted by email")
        check(expected.isEmpty, "\(step): export misses recipients", "\(expected.keys.sorted())")
    }

    /// Runs `body` once per seed; an unexpected error fails that seed only, naming it.
    ///
    /// Failures are recorded as soon as their seed ends (a long run that hits its time limit
    /// still shows them), those of the first five failing seeds in full, the rest as a count.
    static func forEachSeed(
        sourceLocation: SourceLocation = #_sourceLocation, _ body: (PropertyCase, inout AudienceGenerator) throws -> Void
    ) {
        var failingSeeds: [UInt64] = []
        for seed in PropertyRuns.seeds {
            let test = PropertyCase(seed: seed)
            var generator = AudienceGenerator(seed: seed)
            do { try body(test, &generator) } catch { test.check(false, "unexpected error", "\(error)") }
            guard !test.failures.isEmpty else { continue }
            failingSeeds.append(seed)
            if failingSeeds.count <= 5 {
                for failure in test.failures.prefix(5) { Issue.record(Comment(rawValue: failure), sourceLocation: sourceLocation) }
            }
        }
        if failingSeeds.count > 5 {
            Issue.record("property failed\n\(failingSeeds.count) seeds failed in all: \(failingSeeds.prefix(50))",
                sourceLocation: sourceLocation)
        }
    }
}
