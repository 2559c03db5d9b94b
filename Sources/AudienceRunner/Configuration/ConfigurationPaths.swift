import Foundation

/// Lexical path handling: no symlink resolution, no `~` expansion (a service has no home directory).
enum ConfigurationPaths {
    /// `path` made absolute against the current directory.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : normalize(FileManager.default.currentDirectoryPath + "/" + path)
    }

    /// The directory holding `file`.
    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    /// `path` resolved against `base` unless it is absolute.
    static func resolve(_ path: String, against base: String) -> String {
        path.hasPrefix("/") ? path : normalize(base + "/" + path)
    }

    /// Removes `.`, `..` and empty components from an absolute path.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
