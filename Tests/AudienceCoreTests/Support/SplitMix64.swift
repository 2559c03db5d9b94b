import Foundation

/// A tiny seeded PRNG (SplitMix64), so a property failure replays exactly from its seed.
///
/// The helpers reduce with plain modulo instead of the standard library's `random(in:using:)`,
/// whose algorithm may change between Swift versions and would change every generated case.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `range` (the tiny modulo bias does not matter for test data).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// True with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool {
        int(0...99) < percent
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[int(0...(items.count - 1))]
    }

    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var items = items
        guard items.count > 1 else { return items }
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, int(0...index))
        }
        return items
    }

    /// A new generator for a sub-task, so adding draws to one part does not shift the others.
    mutating func fork() -> SplitMix64 {
        SplitMix64(seed: next())
    }
}

/// How many sequences each property checks, and which seeds.
///
/// CI runs `defaultRuns` seeds from 1; `AUDIENCE_SYNC_PROPERTY_RUNS=5000` runs more (from
/// `AUDIENCE_SYNC_PROPERTY_FIRST_SEED`, default 1), and `AUDIENCE_SYNC_PROPERTY_SEED=N` replays
/// only seed N (the seed a failure message names).
enum PropertyRuns {
    static let defaultRuns = 100

    static var seeds: [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let seed = environment["AUDIENCE_SYNC_PROPERTY_SEED"].flatMap(UInt64.init) { return [seed] }
        let runs = environment["AUDIENCE_SYNC_PROPERTY_RUNS"].flatMap(Int.init) ?? defaultRuns
        let first = environment["AUDIENCE_SYNC_PROPERTY_FIRST_SEED"].flatMap(UInt64.init) ?? 1
        return (first..<(first + UInt64(max(1, runs)))).map { $0 }
    }

    /// The suites' time limit: 5 minutes for CI's runs (which take well under one), more for long runs.
    static var minutes: Int {
        max(5, seeds.count / 25)
    }

    /// Text that tells a reader how to replay a failing case.
    static func replay(_ seed: UInt64, _ step: String) -> String {
        "seed \(seed), \(step) (replay: AUDIENCE_SYNC_PROPERTY_SEED=\(seed) swift test --skip-build --filter Property)"
    }
}
