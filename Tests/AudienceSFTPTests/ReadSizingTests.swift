import Testing

@testable import AudienceSFTP

/// Read request sizes adapt to a server's reply limit and keep the bytes in flight.
@Suite struct ReadSizingTests {
    @Test func startsFromTheOptions() {
        let sizing = ReadSizing(DownloadOptions())
        #expect(sizing.chunk == 128 * 1024)
        #expect(sizing.requestsInFlight == 16)
        #expect(sizing.refillBatch == 4)
    }

    /// A server capping replies at 32 KiB: requests shrink to 32 KiB and four times as many are kept in flight.
    @Test func aShortFullSizeReplyRevealsTheServersLimit() {
        var sizing = ReadSizing(DownloadOptions())
        sizing.observe(requested: 128 * 1024, received: 32 * 1024)
        #expect(sizing.chunk == 32 * 1024)
        #expect(sizing.requestsInFlight == 64)
        #expect(sizing.refillBatch == 16)
        // Only the first limit counts: later short replies (tails, other limits) change nothing.
        sizing.observe(requested: 32 * 1024, received: 1000)
        #expect(sizing.chunk == 32 * 1024)
        #expect(sizing.requestsInFlight == 64)
    }

    /// A short reply to a request that was already smaller than the chunk (a stripe's end, a tail) says
    /// nothing about the server.
    @Test func shortRepliesToSmallerRequestsAreIgnored() {
        var sizing = ReadSizing(DownloadOptions())
        sizing.observe(requested: 5000, received: 100)
        sizing.observe(requested: 128 * 1024, received: 128 * 1024)
        sizing.observe(requested: 128 * 1024, received: 0)
        #expect(sizing == ReadSizing(DownloadOptions()))
    }

    /// A tiny limit: never below 4 KiB per request (nor above the configured size), at most 256 in flight.
    @Test func limitsAreBounded() {
        var tiny = ReadSizing(DownloadOptions())
        tiny.observe(requested: 128 * 1024, received: 100)
        #expect(tiny.chunk == 4096)
        #expect(tiny.requestsInFlight == ReadSizing.maxRequestsInFlight)

        var small = ReadSizing(DownloadOptions(chunkSize: 2048, requestsInFlight: 4))
        small.observe(requested: 2048, received: 1500)
        #expect(small.chunk == 2048)
        #expect(small.requestsInFlight == 4)
    }

    @Test func tailsAreSplitIntoChunks() {
        var sizing = ReadSizing(DownloadOptions())
        sizing.observe(requested: 128 * 1024, received: 10_000)
        let pieces = sizing.pieces(from: 10_000, length: 121_072)
        #expect(pieces.map(\.length) == Array(repeating: 10_000, count: 12) + [1072])
        #expect(pieces.first?.offset == 10_000)
        #expect(pieces.last?.offset == 130_000)
        #expect(sizing.pieces(from: 5, length: 0).isEmpty)
    }
}
