import Testing

@testable import AudienceSFTP

/// The write-behind hints: which ranges of a `.partial` are handed to the kernel's writeback, and when.
@Suite(.timeLimit(.minutes(1)))
struct WriteBehindTests {
    /// Collects the ranges a ``WriteBehind`` hands over.
    private final class Recorder {
        var ranges: [Range<UInt64>] = []
    }

    @Test func inOrderChunksAreHandedOverOncePerWindow() {
        let recorder = Recorder()
        var writeBehind = WriteBehind(window: 1 << 20) { recorder.ranges.append($0) }
        let chunk = 64 * 1024
        for index in 0..<40 {  // 2.5 MiB
            writeBehind.wrote(chunk, at: UInt64(index * chunk))
        }
        #expect(recorder.ranges == [0..<(1 << 20), (1 << 20)..<(2 << 20)])
    }

    @Test func nothingIsHandedOverBeforeAWindowIsFull() {
        let recorder = Recorder()
        var writeBehind = WriteBehind(window: 1 << 20) { recorder.ranges.append($0) }
        writeBehind.wrote((1 << 20) - 1, at: 0)
        #expect(recorder.ranges.isEmpty)
        writeBehind.wrote(1, at: (1 << 20) - 1)
        #expect(recorder.ranges == [0..<(1 << 20)])
    }

    /// A byte range of a split download starts at its own offset, not at 0.
    @Test func aRangeWriterStartsAtItsOwnOffset() {
        let recorder = Recorder()
        let start: UInt64 = 48 << 20
        var writeBehind = WriteBehind(from: start, window: 4 << 20) { recorder.ranges.append($0) }
        writeBehind.wrote(3 << 20, at: start)
        writeBehind.wrote(3 << 20, at: start + (3 << 20))
        #expect(recorder.ranges == [start..<(start + (6 << 20))])
    }

    /// After a short reply the tail arrives later, behind higher offsets: the handed-over ranges stay
    /// contiguous and never overlap, and a late chunk below them does not move them back.
    @Test func outOfOrderChunksKeepTheRangesContiguous() {
        let recorder = Recorder()
        var writeBehind = WriteBehind(window: 100) { recorder.ranges.append($0) }
        writeBehind.wrote(60, at: 0)
        writeBehind.wrote(50, at: 100)  // 60..<100 is still missing
        writeBehind.wrote(40, at: 60)  // the tail
        writeBehind.wrote(100, at: 150)
        #expect(recorder.ranges == [0..<150, 150..<250])
    }
}
