import Logging

/// JSON text for log lines, appended to a `String` without going through `JSONEncoder`.
///
/// Strings escape `"` and `\`, write control characters (U+0000 to U+001F) as `\u00XX` except the short forms
/// `\n`, `\r`, `\t`, `\b`, `\f`, and keep everything else, non-ASCII included, as UTF-8.
///
/// Metadata values map as follows:
/// - `.string` is always a JSON string, even when it holds digits (`"\(count)"` stays `"12"`).
/// - `.stringConvertible` holding a `Bool` is `true`/`false`; holding any `BinaryInteger` (`Int`, `UInt64`…) or a
///   finite `Double` or `Float` is a JSON number; NaN and infinities, which JSON cannot
///   express, and every other type are strings of their `description`.
/// - `.dictionary` is an object with sorted keys; `.array` is an array.
enum JSONText {
    static func appendString(_ string: String, to output: inout String) {
        output.append("\"")
        var pending = string.unicodeScalars.startIndex
        let scalars = string.unicodeScalars
        var index = pending
        // Copies runs of unescaped characters at once; most values have nothing to escape.
        while index != scalars.endIndex {
            let scalar = scalars[index]
            if let escape = escape(scalar) {
                output.unicodeScalars.append(contentsOf: scalars[pending..<index])
                output.append(escape)
                pending = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        output.unicodeScalars.append(contentsOf: scalars[pending..<scalars.endIndex])
        output.append("\"")
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case "\u{08}": return "\\b"
        case "\u{0C}": return "\\f"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16, uppercase: false)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: return nil
        }
    }

    static func appendValue(_ value: Logger.MetadataValue, to output: inout String) {
        switch value {
        case .string(let string):
            appendString(string, to: &output)
        case .stringConvertible(let convertible):
            if let literal = numberOrBoolean(convertible) {
                output.append(literal)
            } else {
                appendString(convertible.description, to: &output)
            }
        case .dictionary(let dictionary):
            output.append("{")
            for (offset, key) in dictionary.keys.sorted().enumerated() {
                if offset > 0 { output.append(",") }
                appendString(key, to: &output)
                output.append(":")
                appendValue(dictionary[key]!, to: &output)
            }
            output.append("}")
        case .array(let items):
            output.append("[")
            for (offset, item) in items.enumerated() {
                if offset > 0 { output.append(",") }
                appendValue(item, to: &output)
            }
            output.append("]")
        }
    }

    /// The JSON literal for a boolean, integer or finite floating-point value; nil for anything else.
    static func numberOrBoolean(_ value: any CustomStringConvertible & Sendable) -> String? {
        if let bool = value as? Bool { return bool ? "true" : "false" }
        if let integer = value as? any BinaryInteger { return integer.description }
        if let double = value as? Double { return double.isFinite ? double.description : nil }
        if let float = value as? Float { return float.isFinite ? float.description : nil }
        return nil
    }
}
