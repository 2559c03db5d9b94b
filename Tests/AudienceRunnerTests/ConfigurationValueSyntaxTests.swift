import Testing

@testable import AudienceRunner

struct ConfigurationValueSyntaxTests {
    @Test(arguments: [
        ("15s", Duration.seconds(15)), ("2m", .seconds(120)), ("1h", .seconds(3600)), ("500ms", .milliseconds(500)),
        ("90", .seconds(90)), ("0", .zero), ("0s", .zero), ("1.5s", .milliseconds(1500)), ("0.25", .milliseconds(250)),
        ("1h30m", .seconds(5400)), ("2m30s", .seconds(150)), ("1.5h", .seconds(5400)), (" 10s ", .seconds(10)),
        ("1m500ms", .milliseconds(60_500)), ("0.3", .milliseconds(300)), ("86400", .seconds(86_400)),
    ])
    func durationsParse(text: String, expected: Duration) {
        #expect(DurationSyntax.parse(text) == expected)
    }

    @Test(arguments: [
        ("", "a duration is required"), ("abc", "expected a number followed by"), ("-5s", "cannot be negative"),
        ("-1", "cannot be negative"), ("5x", "expected a number followed by"), ("s", "expected a number followed by"),
        ("1.s", "expected a number followed by"), (".5s", "expected a number followed by"),
        ("5 s", "expected a number followed by"), ("1h-30m", "expected a number followed by"),
        ("1e3", "expected a number followed by"), ("15sec", "expected a number followed by"),
        ("10 minutes", "expected a number followed by"), ("1d", "expected a number followed by"),
        ("9999999999999h", "too long"), ("1:30", "expected a number followed by"),
    ])
    func badDurationsAreExplained(text: String, reason: String) {
        #expect(DurationSyntax.parse(text) == nil)
        guard case .failure(let problem) = DurationSyntax.parseOrExplain(text) else {
            Issue.record("'\(text)' parsed")
            return
        }
        #expect(problem.reason.contains(reason))
    }

    @Test(arguments: [
        ("1048576", UInt64(1_048_576)), ("2GiB", 2 << 30), ("1KiB", 1024), ("1 MiB", 1 << 20), ("500MB", 500_000_000),
        ("1.5GiB", 1_610_612_736), ("1kb", 1000), ("10B", 10), ("1TiB", 1 << 40), ("2gb", 2_000_000_000),
        ("1", 1), (" 64 KiB ", 65_536), ("3TB", 3_000_000_000_000),
    ])
    func sizesParse(text: String, expected: UInt64) {
        #expect(ByteSizeSyntax.parse(text) == expected)
    }

    @Test(arguments: [
        ("", "expected a number of bytes"), ("0", "at least 1 byte"), ("0KiB", "at least 1 byte"),
        ("-1", "cannot be negative"), ("2GB!", "unknown unit 'gb!'"), ("1.5", "must be whole"),
        ("GiB", "expected a number of bytes"), ("2 G", "unknown unit 'g'"), ("2K", "unknown unit 'k'"),
        ("abc", "expected a number of bytes"), ("99999999999TiB", "too large"), ("1,000", "unknown unit ',000'"),
    ])
    func badSizesAreExplained(text: String, reason: String) {
        #expect(ByteSizeSyntax.parse(text) == nil)
        guard case .failure(let problem) = ByteSizeSyntax.parseOrExplain(text) else {
            Issue.record("'\(text)' parsed")
            return
        }
        #expect(problem.reason.contains(reason))
    }

    @Test(arguments: [
        ("hots", "host"), ("stagingDir", "staging_dir"), ("remote-dir", "remote_dir"), ("privatekey", "private_key"),
        ("Host", "host"), ("knownhosts", "known_hosts"), ("max_removal", "max_removals"), ("databse", "database"),
    ])
    func closeKeysAreSuggested(key: String, expected: String) {
        let known = [
            "host", "staging_dir", "remote_dir", "private_key", "known_hosts", "max_removals", "database", "port",
        ]
        #expect(KeySuggestion.closest(to: key, in: known) == expected)
    }

    @Test(arguments: ["xyz", "colour", "p", "hostname_override"])
    func distantKeysAreNotSuggested(key: String) {
        #expect(KeySuggestion.closest(to: key, in: ["host", "port", "username", "known_hosts"]) == nil)
    }

    @Test(arguments: [(UInt32(0o644), "0644"), (0o600, "0600"), (0o7, "0007"), (0o4755, "4755")])
    func modesAreWrittenLikeOpenSSH(mode: UInt32, expected: String) {
        #expect(ConfigurationError.octal(mode) == expected)
    }
}
