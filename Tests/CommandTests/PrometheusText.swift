import Foundation

/// A strict reader of the Prometheus text exposition format (version 0.0.4), checking the rules that
/// `promtool check metrics` and node_exporter's textfile collector enforce, so a test can tell a
/// valid metrics file from one that node_exporter would drop.
///
/// Checked: `# HELP` and `# TYPE` at most once per family and before its first sample; TYPE one of
/// the five known types; a family's samples contiguous; metric and label names' syntax; label values
/// quoted with only `\\`, `\"` and `\n` escapes; no duplicate label name in a sample; no duplicate
/// series; values that parse as floats; no sample timestamp; a final line feed.
struct PrometheusText {
    struct Failure: Error, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "line \(line): \(reason)" }
    }

    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    var help: [String: String] = [:]
    var types: [String: String] = [:]

    /// The value of the one sample with this name and exactly these labels.
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    static let types: Set<String> = ["counter", "gauge", "histogram", "summary", "untyped"]

    init(parsing text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else { throw Failure(line: 0, reason: "no line feed at the end") }
        var seriesSeen: Set<String> = []
        var familiesDone: Set<String> = []
        var current: String?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let number = index + 1
            func fail(_ reason: String) -> Failure { Failure(line: number, reason: reason) }
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard parts.count >= 3, parts[1] == "HELP" || parts[1] == "TYPE" else { continue }  // a plain comment
                let name = parts[2]
                guard Self.isMetricName(name) else { throw fail("bad metric name '\(name)'") }
                guard !familiesDone.contains(name), !samples.contains(where: { $0.name == name }) else {
                    throw fail("\(parts[1]) for \(name) after its samples")
                }
                if parts[1] == "HELP" {
                    guard help[name] == nil else { throw fail("second HELP for \(name)") }
                    help[name] = parts.count > 3 ? parts[3] : ""
                } else {
                    guard types[name] == nil else { throw fail("second TYPE for \(name)") }
                    guard parts.count == 4, Self.types.contains(parts[3]) else { throw fail("bad TYPE line") }
                    types[name] = parts[3]
                }
                continue
            }
            let sample = try Self.sample(String(line), fail: fail)
            if sample.name != current {
                if let current { familiesDone.insert(current) }
                guard !familiesDone.contains(sample.name) else { throw fail("samples of \(sample.name) not contiguous") }
                current = sample.name
            }
            let key = sample.name + "{" + sample.labels.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: ",")
            guard seriesSeen.insert(key).inserted else { throw fail("duplicate series \(key)") }
            samples.append(sample)
        }
    }

    /// `name{label="value",...} value`, and nothing after the value (a timestamp would be there).
    private static func sample(_ line: String, fail: (String) -> Failure) throws -> Sample {
        var rest = Substring(line)
        let name = String(rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") })
        guard isMetricName(name) else { throw fail("bad metric name in '\(line)'") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let label = String(rest.prefix { $0 != "=" })
                guard isLabelName(label), !label.hasPrefix("__") else { throw fail("bad label name '\(label)'") }
                rest = rest.dropFirst(label.count)
                guard rest.hasPrefix("=\"") else { throw fail("label \(label) has no quoted value") }
                rest = rest.dropFirst(2)
                var value = ""
                while true {
                    guard let character = rest.popFirst() else { throw fail("label value never closed") }
                    if character == "\"" { break }
                    if character == "\\" {
                        switch rest.popFirst() {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw fail("bad escape in label \(label)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard labels.updateValue(value, forKey: label) == nil else { throw fail("label \(label) twice") }
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { throw fail("expected , or }") }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw fail("no space before the value") }
        let fields = rest.dropFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 1 else { throw fail("more than a value after the series (a timestamp?): '\(line)'") }
        guard let value = parseFloat(String(fields[0])) else { throw fail("value '\(fields[0])' is not a float") }
        return Sample(name: name, labels: labels, value: value)
    }

    /// Go's `strconv.ParseFloat`, which Prometheus uses: decimal or exponent forms, `NaN`, `+Inf`, `-Inf`.
    static func parseFloat(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default:
            guard text.range(of: #"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil
            else { return nil }
            return Double(text)
        }
    }

    static func isMetricName(_ name: String) -> Bool {
        name.range(of: #"^[a-zA-Z_:][a-zA-Z0-9_:]*$"#, options: .regularExpression) != nil
    }

    static func isLabelName(_ name: String) -> Bool {
        name.range(of: #"^[a-zA-Z_][a-zA-Z0-9_]*$"#, options: .regularExpression) != nil
    }
}
