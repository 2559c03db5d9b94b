import AudienceRunner
import Foundation
import Logging
import Testing

@Suite("Logging: RFC 3339 timestamps in UTC with milliseconds")
struct LoggingTimestampTests {
    static let instants: [(Int64, Int, String)] = [
        (0, 0, "1970-01-01T00:00:00.000Z"),
        (1_795_926_600, 123, "2026-11-29T04:30:00.123Z"),
        (951_825_600, 5, "2000-02-29T12:00:00.005Z"),
        (1_735_689_599, 999, "2024-12-31T23:59:59.999Z"),
        (4_107_542_400, 40, "2100-03-01T00:00:00.040Z"),
        (-1, 0, "1969-12-31T23:59:59.000Z"),
        (-2_208_988_800, 0, "1900-01-01T00:00:00.000Z"),
        (253_402_300_799, 1, "9999-12-31T23:59:59.001Z"),
        (59, 1500, "1970-01-01T00:01:00.500Z"),
        (0, -1, "1969-12-31T23:59:59.999Z"),
    ]

    @Test("Formats known instants", arguments: instants)
    func formats(seconds: Int64, milliseconds: Int, expected: String) {
        #expect(LogTimestamp(seconds: seconds, milliseconds: milliseconds).rfc3339 == expected)
    }

    @Test func nowIsTheWallClock() throws {
        let before = Date().timeIntervalSince1970
        let now = LogTimestamp.now()
        let after = Date().timeIntervalSince1970
        let instant = Double(now.seconds) + Double(now.milliseconds) / 1000
        #expect(instant >= before - 0.001 && instant <= after + 0.001)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let parsed = try #require(formatter.date(from: now.rfc3339))
        #expect(abs(parsed.timeIntervalSince1970 - instant) < 0.001)
    }

    @Test func handlersStampLinesWithTheRealClockByDefault() throws {
        let capture = CapturedLines()
        let handler = JSONLogHandler(label: "t", sink: capture.sink)
        var logger = Logging.Logger(label: "t") { _ in handler }
        logger.logLevel = .info
        logger.info("m")
        let object = try JSONValue.object(capture.single)
        guard case .string(let ts) = object["ts"] else {
            Issue.record("no ts")
            return
        }
        #expect(ts.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
    }
}
