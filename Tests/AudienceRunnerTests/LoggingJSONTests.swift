import AudienceRunner
import Foundation
import Logging
import Testing

@Suite("Logging: JSON lines — fields, types, escaping, merge order, redaction")
struct LoggingJSONTests {
    @Test func aLineHasTheSixFixedFieldsFirstThenSortedDataFields() throws {
        let capture = CapturedLines()
        var logger = jsonLogger(capture)
        logger[metadataKey: "run_id"] = "42"
        logger[metadataKey: "directory"] = "acme"
        logger.warning(
            "removal guard held the run",
            metadata: ["event": "guard.held", "removed": "812", "sftp.host": "sftp.example.com", "a.first": "1"])
        #expect(
            capture.single
                == #"{"ts":"2026-11-29T04:30:00.123Z","level":"warning","run_id":"42","directory":"acme","#
                + #""event":"guard.held","message":"removal guard held the run","#
                + #""a.first":"1","removed":"812","sftp.host":"sftp.example.com"}"# + "\n")
    }

    @Test func fieldsDecodeWithTheirTypes() throws {
        let capture = CapturedLines()
        var logger = jsonLogger(capture)
        logger[metadataKey: "run_id"] = .stringConvertible(7)
        logger.info(
            "diff computed",
            metadata: [
                "event": "diff.summary", "added": .stringConvertible(3), "ratio": .stringConvertible(0.25),
                "dry_run": .stringConvertible(true), "csv.line": "17",
            ])
        let object = try JSONValue.object(capture.single)
        #expect(object["ts"] == .string("2026-11-29T04:30:00.123Z"))
        #expect(object["level"] == .string("info"))
        #expect(object["run_id"] == .number(7))
        #expect(object["directory"] == .null)
        #expect(object["event"] == .string("diff.summary"))
        #expect(object["message"] == .string("diff computed"))
        #expect(object["added"] == .number(3))
        #expect(object["ratio"] == .number(0.25))
        #expect(object["dry_run"] == .bool(true))
        #expect(object["csv.line"] == .string("17"))
        #expect(object.count == 10)
    }

    @Test func anUnnamedEventIsMarked() throws {
        let capture = CapturedLines()
        jsonLogger(capture).info("something happened")
        #expect(try JSONValue.object(capture.single)["event"] == .string(LogField.unnamedEvent))
    }

    @Test func everyLevelIsWrittenByItsName() throws {
        let capture = CapturedLines()
        let logger = jsonLogger(capture)
        for level in Logger.Level.allCases { logger.log(level: level, "m") }
        let levels = try capture.lines.map { try JSONValue.object($0)["level"] }
        #expect(levels == Logger.Level.allCases.map { .string($0.rawValue) })
    }

    @Test func theHandlerLevelFilters() {
        let capture = CapturedLines()
        let logger = jsonLogger(capture, level: .notice)
        logger.info("dropped")
        logger.notice("kept")
        #expect(capture.lines.count == 1)
    }

    static let values: [(Logger.MetadataValue, String)] = [
        (.string("12"), #""12""#),
        (.stringConvertible(12), "12"),
        (.stringConvertible(-5 as Int64), "-5"),
        (.stringConvertible(7 as UInt8), "7"),
        (.stringConvertible(UInt64.max), "18446744073709551615"),
        (.stringConvertible(1.5), "1.5"),
        (.stringConvertible(2 as Float), "2.0"),
        (.stringConvertible(false), "false"),
        (.stringConvertible(Double.nan), #""nan""#),
        (.stringConvertible(-Double.infinity), #""-inf""#),
        (.stringConvertible(SampleError()), #""connection reset by peer""#),
        (.array(["a", .stringConvertible(1)]), #"["a",1]"#),
        (.dictionary(["b": "2", "a": .stringConvertible(true)]), #"{"a":true,"b":"2"}"#),
    ]

    @Test("Metadata value types map to JSON", arguments: values)
    func valueTypes(value: Logger.MetadataValue, json: String) throws {
        let capture = CapturedLines()
        jsonLogger(capture).info("m", metadata: ["v": value])
        #expect(capture.single.hasSuffix(#","v":"# + json + "}\n"))
        _ = try JSONValue.object(capture.single)
    }

    static let escapes: [(String, String)] = [
        ("plain", #""plain""#),
        (#"say "hi""#, #""say \"hi\"""#),
        (#"C:\dir\"#, #""C:\\dir\\""#),
        ("a\nb", #""a\nb""#),
        ("tab\there\r", #""tab\there\r""#),
        ("\u{08}\u{0C}", #""\b\f""#),
        ("nul\u{0}", #""nul\u0000""#),
        ("\u{1B}[31m\u{1F}", #""\u001b[31m\u001f""#),
        ("é ✓ 🙂 日本", #""é ✓ 🙂 日本""#),
        ("del\u{7F}", "\"del\u{7F}\""),
        ("</script>/", #""</script>/""#),
        ("", #""""#),
    ]

    @Test("Strings are escaped in values, keys and messages", arguments: escapes)
    func escaping(raw: String, escaped: String) throws {
        let capture = CapturedLines()
        jsonLogger(capture).info("\(raw)", metadata: ["v": "\(raw)", "k\(raw)": "x"])
        let line = capture.single
        #expect(line.contains(#""message":"# + escaped + ","))
        #expect(line.contains(#""v":"# + escaped))
        #expect(line.filter { $0 == "\n" }.count == 1 && line.hasSuffix("}\n"))
        let object = try JSONValue.object(line)
        #expect(object["message"] == .string(raw))
        #expect(object["v"] == .string(raw))
        #expect(object["k" + raw] == .string("x"))
    }

    @Test func metadataMergesHandlerThenProviderThenEvent() throws {
        let capture = CapturedLines()
        let provider = Logger.MetadataProvider {
            ["shared": "provider", "provider_and_event": "provider", "provider_only": "provider"]
        }
        var logger = jsonLogger(capture, metadataProvider: provider)
        logger[metadataKey: "shared"] = "handler"
        logger[metadataKey: "handler_only"] = "handler"
        logger[metadataKey: "run_id"] = "handler-run"
        logger.info("m", metadata: ["provider_and_event": "event", "run_id": "event-run"])
        let object = try JSONValue.object(capture.single)
        #expect(object["handler_only"] == .string("handler"))
        #expect(object["provider_only"] == .string("provider"))
        #expect(object["shared"] == .string("provider"))
        #expect(object["provider_and_event"] == .string("event"))
        #expect(object["run_id"] == .string("event-run"))
    }

    @Test func handlerMetadataIsAValue() throws {
        let capture = CapturedLines()
        var first = jsonLogger(capture)
        first[metadataKey: "directory"] = "acme"
        var second = first
        second[metadataKey: "directory"] = "globex"
        first.info("m")
        second.info("m")
        let directories = try capture.lines.map { try JSONValue.object($0)["directory"] }
        #expect(directories == [.string("acme"), .string("globex")])
    }

    @Test func reservedKeysMoveAsideInsteadOfDuplicating() throws {
        let capture = CapturedLines()
        jsonLogger(capture).info("the message", metadata: ["message": "data", "level": "data", "ts": "data"])
        let line = capture.single
        let object = try JSONValue.object(line)
        #expect(object["message"] == .string("the message"))
        #expect(object["meta.message"] == .string("data"))
        #expect(object["meta.level"] == .string("data"))
        #expect(object["meta.ts"] == .string("data"))
        #expect(line.components(separatedBy: #""message":"#).count == 2)
    }

    @Test func anAttachedErrorBecomesTheErrorField() throws {
        let capture = CapturedLines()
        let logger = jsonLogger(capture)
        logger.error("download failed", error: SampleError())
        logger.error("download failed", error: SampleError(), metadata: ["error": "from metadata"])
        let errors = try capture.lines.map { try JSONValue.object($0)["error"] }
        #expect(errors == [.string("connection reset by peer"), .string("from metadata")])
    }

    @Test func theEventHelperNamesTheEvent() throws {
        let capture = CapturedLines()
        let logger = jsonLogger(capture)
        logger.event("guard.held", level: .warning, "removal guard held the run", metadata: ["event": "ignored"])
        let object = try JSONValue.object(capture.single)
        #expect(object["event"] == .string("guard.held"))
        #expect(object["level"] == .string("warning"))
    }

    static let secretKeys = [
        "password", "passphrase", "secret", "private_key_material", "sftp.password", "Password", "a.b.SECRET",
    ]

    @Test("Secret-named keys are redacted", arguments: secretKeys)
    func redaction(key: String) throws {
        let capture = CapturedLines()
        var logger = jsonLogger(capture)
        logger[metadataKey: key] = "hunter2"
        logger.info("m", metadata: ["nested": ["list": [["\(key)": "hunter2"]]], "other": "kept"])
        logger.info("m", metadata: ["\(key)": "hunter2"])
        for line in capture.lines {
            #expect(!line.contains("hunter2"))
            #expect(try JSONValue.object(line)[key] == .string("[redacted]"))
        }
        #expect(capture.lines[0].contains(#""nested":{"list":[{""# + key + #"":"[redacted]"}]}"#))
    }

    @Test("Keys that only contain a secret word are kept", arguments: ["passphrase_file", "sftp.password_file", "secrets"])
    func nearMissesAreKept(key: String) throws {
        let capture = CapturedLines()
        jsonLogger(capture).info("m", metadata: ["\(key)": "/etc/audience-sync/key.pass"])
        #expect(try JSONValue.object(capture.single)[key] == .string("/etc/audience-sync/key.pass"))
    }
}
