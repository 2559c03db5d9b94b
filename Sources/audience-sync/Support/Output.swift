import Foundation

/// Writing to stdout and stderr without buffering surprises.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("audience-sync: " + text + "\n").utf8))
    }

    static func warning(_ text: String) {
        FileHandle.standardError.write(Data(("audience-sync: warning: " + text + "\n").utf8))
    }
}

/// Quotes a CSV field per RFC 4180, only when needed.
func csvField(_ value: String) -> String {
    guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// A file the command was asked to write could not be written (exit 74).
struct WriteFailure: Error, CustomStringConvertible {
    var path: String
    var reason: String

    var description: String { "\(path): cannot write: \(reason)." }
}
