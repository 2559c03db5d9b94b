import Foundation
import Testing

@testable import AudienceSFTP

/// How a split download's stripes are handed out and how its gap-free prefix grows.
@Suite(.timeLimit(.minutes(1)))
struct StripeScheduleTests {
    /// Collects the prefixes a schedule reports.
    private final class Prefixes: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [UInt64] = []
        func append(_ value: UInt64) {
            lock.lock()
            storage.append(value)
            lock.unlock()
        }
        var values: [UInt64] {
            lock.lock()
            defer { lock.unlock() }
            return storage
        }
    }

    @Test func stripesCoverTheFileOnceInOrder() {
        let schedule = StripeSchedule(size: 10_000_001, connections: 2, stripeSize: 4 << 20) { _ in }
        var stripes: [Range<UInt64>] = []
        while let stripe = schedule.claim() { stripes.append(stripe) }
        #expect(stripes == [0..<4_194_304, 4_194_304..<8_388_608, 8_388_608..<10_000_001])
        #expect(schedule.claim() == nil)
        #expect(schedule.stripe(containing: 4_194_303) == 0..<4_194_304)
        #expect(schedule.stripe(containing: 9_000_000) == 8_388_608..<10_000_001)
    }

    /// Small files get stripes small enough that every connection can claim one.
    @Test(arguments: [(7, 4, 2), (2, 4, 1), (1_000_003, 4, 250_001), (100 << 20, 2, 4 << 20)])
    func stripesShrinkForSmallFiles(size: UInt64, connections: Int, stripeSize: UInt64) {
        let schedule = StripeSchedule(size: size, connections: connections) { _ in }
        #expect(schedule.stripeSize == stripeSize)
        var count = 0
        while schedule.claim() != nil { count += 1 }
        #expect(count >= min(connections, Int(size)))
    }

    /// The prefix grows only over finished stripes without a gap, whatever order they finish in.
    @Test func prefixAdvancesOnlyOverGapFreeStripes() {
        let prefixes = Prefixes()
        let schedule = StripeSchedule(size: 10, connections: 1, stripeSize: 3) { prefixes.append($0) }
        let stripes = (0..<4).compactMap { _ in schedule.claim() }  // 0..<3, 3..<6, 6..<9, 9..<10
        schedule.finished(stripes[1])
        schedule.finished(stripes[3])
        #expect(prefixes.values.isEmpty)
        #expect(schedule.contiguousBytes == 0)
        schedule.finished(stripes[0])
        #expect(prefixes.values == [6])
        schedule.finished(stripes[2])
        #expect(prefixes.values == [6, 10])
        #expect(schedule.contiguousBytes == 10)
    }

    /// Many threads claiming and finishing at once: every byte claimed exactly once, the prefix reported in
    /// increasing order and ending at the size.
    @Test func concurrentClaimsNeverOverlap() async {
        let size: UInt64 = 5_000_003
        let prefixes = Prefixes()
        let schedule = StripeSchedule(size: size, connections: 8, stripeSize: 4099) { prefixes.append($0) }
        let claimed = await withTaskGroup(of: [Range<UInt64>].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var mine: [Range<UInt64>] = []
                    while let stripe = schedule.claim() {
                        mine.append(stripe)
                        schedule.finished(stripe)
                    }
                    return mine
                }
            }
            var all: [Range<UInt64>] = []
            for await mine in group { all += mine }
            return all
        }
        let sorted = claimed.sorted { $0.lowerBound < $1.lowerBound }
        #expect(sorted.first?.lowerBound == 0)
        #expect(sorted.last?.upperBound == size)
        #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        let reported = prefixes.values
        #expect(reported == reported.sorted())
        #expect(Set(reported).count == reported.count)
        #expect(reported.last == size)
    }
}
