import Foundation

/// The duration notation of the configuration file: `500ms`, `15s`, `2m`, `1h`, `1h30m`, or a number of seconds.
///
/// Fractions are allowed (`1.5s`, `0.25`); negative values, empty text and other units are not.
public enum DurationSyntax {
    /// Nanoseconds per unit, longest suffix first so `ms` is not read as `m`.
    private static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("ms", 1_000_000), ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000),
    ]

    /// Parses one duration.
    ///
    /// - Parameter text: The value as written, e.g. `15s` or `90`.
    /// - Returns: The duration, or nil when `text` is not a duration.
    public static func parse(_ text: String) -> Duration? {
        try? parseOrExplain(text).get()
    }

    /// Parses one duration, or says why the text is not one (for error messages).
    static func parseOrExplain(_ text: String) -> Result<Duration, SyntaxProblem> {
        let trimmed = Substring(text.trimmingCharacters(in: .whitespaces))
        if trimmed.isEmpty { return .failure("a duration is required, e.g. 15s, 2m, 1h, 500ms or 90 (seconds)") }
        if trimmed.hasPrefix("-") { return .failure("a duration cannot be negative") }
        if let number = NumberText(trimmed), let seconds = number.scaled(by: 1_000_000_000) {
            return .success(.nanoseconds(seconds))
        }
        var rest = trimmed
        var total: Int64 = 0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(digits.count)
            guard let number = NumberText(digits),
                let unit = units.first(where: { rest.hasPrefix($0.suffix) })
            else {
                return .failure("expected a number followed by ms, s, m or h, e.g. 15s, 2m, 1h30m, 500ms")
            }
            rest = rest.dropFirst(unit.suffix.count)
            guard let part = number.scaled(by: unit.nanoseconds) else { return .failure("the duration is too long") }
            let (sum, overflow) = total.addingReportingOverflow(part)
            if overflow { return .failure("the duration is too long") }
            total = sum
        }
        return .success(.nanoseconds(total))
    }
}

/// Why a value could not be parsed: a clause that completes "invalid value 'x': ...".
struct SyntaxProblem: Error, Equatable, ExpressibleByStringLiteral {
    var reason: String

    init(stringLiteral reason: String) { self.reason = reason }
    init(_ reason: String) { self.reason = reason }
}

/// A non-negative decimal number kept as text (`12`, `1.5`), so scaling it is exact integer arithmetic.
struct NumberText {
    var whole: Substring
    var fraction: Substring

    /// Accepts digits with at most one `.` and at least one digit before it.
    init?(_ text: Substring) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty else {
            return nil
        }
        self.whole = whole
        self.fraction = fraction
    }

    var isWhole: Bool { fraction.allSatisfy { $0 == "0" } }

    /// The number times `unit`, rounded down; nil on overflow.
    func scaled(by unit: Int64) -> Int64? {
        guard let whole = Int64(whole) else { return nil }
        let (product, overflow) = whole.multipliedReportingOverflow(by: unit)
        if overflow { return nil }
        // 15 fraction digits are finer than a nanosecond or a byte for every unit we use.
        var numerator: Int64 = 0
        var denominator: Int64 = 1
        for digit in fraction.prefix(15) {
            numerator = numerator * 10 + Int64(digit.wholeNumberValue ?? 0)
            denominator *= 10
        }
        let part = denominator.dividingFullWidth(numerator.multipliedFullWidth(by: unit)).quotient
        let (sum, sumOverflow) = product.addingReportingOverflow(part)
        return sumOverflow ? nil : sum
    }
}
