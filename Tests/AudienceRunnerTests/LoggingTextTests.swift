import AudienceRunner
import Logging
import Testing

@Suite("Logging: text lines for terminals")
struct LoggingTextTests {
    @Test func aLineIsTimeLevelDirectoryEventFieldsMessage() {
        let capture = CapturedLines()
        var logger = textLogger(capture)
        logger[metadataKey: "run_id"] = "42"
        logger[metadataKey: "directory"] = "acme"
        logger.warning(
            "run finished", metadata: ["event": "run.end", "reason": "server busy", "exit_code": .stringConvertible(75)])
        #expect(
            capture.single
                == #"2026-11-29T04:30:00.123Z warning acme run.end exit_code=75 reason="server busy" run finished"# + "\n")
    }

    @Test func missingDirectoryAndEventHavePlaceholders() {
        let capture = CapturedLines()
        textLogger(capture).info("starting")
        #expect(capture.single == "2026-11-29T04:30:00.123Z info - \(LogField.unnamedEvent) starting\n")
    }

    static let tokens: [(Logger.MetadataValue, String)] = [
        ("plain", "plain"),
        ("", #""""#),
        ("a=b", #""a=b""#),
        (#"say "hi""#, #""say \"hi\"""#),
        ("two\nlines", #""two\nlines""#),
        ("é🙂", "é🙂"),
        (.stringConvertible(2.5), "2.5"),
        (["a", "b c"], #"["a","b c"]"#),
        (["k": .stringConvertible(1)], #"{"k":1}"#),
    ]

    @Test("Values are bare when safe, quoted otherwise", arguments: tokens)
    func quoting(value: Logger.MetadataValue, token: String) {
        let capture = CapturedLines()
        textLogger(capture).info("m", metadata: ["event": "x.y", "v": value])
        #expect(capture.single == "2026-11-29T04:30:00.123Z info - x.y v=\(token) m\n")
    }

    @Test func aMessageWithControlCharactersStaysOneLine() {
        let capture = CapturedLines()
        textLogger(capture).error("first\nsecond\u{1B}", metadata: ["event": "x.y"])
        #expect(capture.single == #"2026-11-29T04:30:00.123Z error - x.y first\nsecond\u001b"# + "\n")
    }

    @Test func secretsAreRedactedAndMergeOrderMatchesJSON() {
        let capture = CapturedLines()
        var logger = textLogger(capture, metadataProvider: Logger.MetadataProvider { ["k": "provider"] })
        logger[metadataKey: "k"] = "handler"
        logger[metadataKey: "sftp.passphrase"] = "hunter2"
        logger.info("m", metadata: ["event": "x.y"])
        logger.info("m", metadata: ["event": "x.y", "k": "event"])
        #expect(
            capture.lines == [
                "2026-11-29T04:30:00.123Z info - x.y k=provider sftp.passphrase=[redacted] m\n",
                "2026-11-29T04:30:00.123Z info - x.y k=event sftp.passphrase=[redacted] m\n",
            ])
    }
}
