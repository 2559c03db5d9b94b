import Foundation
import Testing

@testable import AudienceRunner

/// Archived and quarantined files are named `<UTC timestamp>-NAME`. SFTP's rename never overwrites, so two
/// moves of the same file name must get different stamps even within one second (an approve's files archived
/// by the next sync right after the previous export was archived).
@Suite(.timeLimit(.minutes(1)))
struct PostProcessorStampTests {
    @Test func stampsWithinOneSecondDiffer() {
        let first = Date(timeIntervalSince1970: 1_795_924_908.120)
        let second = first.addingTimeInterval(0.5)
        #expect(PostProcessor.stamp(first) == "20261129T040148.120Z")
        #expect(PostProcessor.stamp(second) == "20261129T040148.620Z")
    }
}
