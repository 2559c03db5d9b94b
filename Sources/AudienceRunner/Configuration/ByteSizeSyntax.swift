import Foundation

/// The size notation of the configuration file: a number of bytes, or a number with a unit.
///
/// Binary units `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024) and decimal units `KB`, `MB`, `GB`, `TB`
/// (powers of 1000), plus `B`; units are case-insensitive and may follow a space: `2GiB`, `1.5 GB`, `512kib`.
public enum ByteSizeSyntax {
    private static let units: [(suffix: String, bytes: Int64)] = [
        ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("tib", 1 << 40),
        ("kb", 1_000), ("mb", 1_000_000), ("gb", 1_000_000_000), ("tb", 1_000_000_000_000),
        ("b", 1),
    ]

    /// Parses one size.
    ///
    /// - Parameter text: The value as written, e.g. `2GiB` or `1048576`.
    /// - Returns: The number of bytes (at least 1), or nil when `text` is not a size.
    public static func parse(_ text: String) -> UInt64? {
        try? parseOrExplain(text).get()
    }

    /// Parses one size, or says why the text is not one (for error messages).
    static func parseOrExplain(_ text: String) -> Result<UInt64, SyntaxProblem> {
        let trimmed = Substring(text.trimmingCharacters(in: .whitespaces))
        if trimmed.hasPrefix("-") { return .failure("a size cannot be negative") }
        let digits = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let suffix = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let number = NumberText(digits) else {
            return .failure("expected a number of bytes, or a number with KiB, MiB, GiB, KB, MB or GB, e.g. 2GiB")
        }
        let unit: Int64
        if suffix.isEmpty {
            guard number.isWhole else { return .failure("a number of bytes must be whole; add a unit such as KiB") }
            unit = 1
        } else if let match = units.first(where: { $0.suffix == suffix }) {
            unit = match.bytes
        } else {
            return .failure(SyntaxProblem("unknown unit '\(suffix)'; use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB"))
        }
        guard let bytes = number.scaled(by: unit) else { return .failure("the size is too large") }
        guard bytes > 0 else { return .failure("the size must be at least 1 byte") }
        return .success(UInt64(bytes))
    }
}
