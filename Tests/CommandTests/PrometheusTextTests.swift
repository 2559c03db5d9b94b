import Testing

/// The test's format checker must itself refuse what node_exporter would refuse, or the metrics tests prove nothing.
@Suite("Prometheus text checker", .timeLimit(.minutes(3)))
struct PrometheusTextTests {
    static let valid = """
        # HELP a_b Help text.
        # TYPE a_b gauge
        a_b{directory="x \\"y\\" \\\\ z",kind="added"} 1.5e+09
        a_b{directory="w"} -3
        # TYPE c gauge
        c NaN

        """

    @Test func acceptsAValidFile() throws {
        let parsed = try PrometheusText(parsing: Self.valid)
        #expect(parsed.value("a_b", ["directory": #"x "y" \ z"#, "kind": "added"]) == 1.5e9)
        #expect(parsed.value("a_b", ["directory": "w"]) == -3)
        #expect(parsed.types == ["a_b": "gauge", "c": "gauge"])
    }

    @Test(arguments: [
        ("a 1 1700000000000\n", "timestamp"),
        ("a 1\na 2\n", "duplicate series"),
        ("a{x=\"1\"} 1\na{x=\"1\"} 2\n", "duplicate series"),
        ("a 1\n# TYPE a gauge\n", "after its samples"),
        ("# TYPE a gauge\n# TYPE a gauge\na 1\n", "second TYPE"),
        ("# TYPE a gauges\na 1\n", "bad TYPE"),
        ("1a 1\n", "bad metric name"),
        ("a{1x=\"1\"} 1\n", "bad label name"),
        ("a{__x=\"1\"} 1\n", "bad label name"),
        ("a{x=1} 1\n", "no quoted value"),
        ("a{x=\"1} 1\n", "never closed"),
        ("a{x=\"\\t\"} 1\n", "bad escape"),
        ("a{x=\"1\",x=\"2\"} 1\n", "twice"),
        ("a one\n", "not a float"),
        ("a 1", "no line feed"),
        ("a{x=\"1\"} 1\nb 1\na{x=\"2\"} 1\n", "not contiguous"),
    ])
    func refusesWhatNodeExporterRefuses(text: String, reason: String) {
        #expect {
            try PrometheusText(parsing: text)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }
}
