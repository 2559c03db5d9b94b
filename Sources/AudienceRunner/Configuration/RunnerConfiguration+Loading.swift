import Foundation
import Yams

extension RunnerConfiguration {
    /// Reads, checks and resolves a configuration file.
    ///
    /// Relative paths in the file are resolved against the file's own directory; `~` is not expanded.
    /// Files the configuration names need not exist yet: ``checkKeyPermissions()`` checks the SFTP ones.
    ///
    /// - Parameters:
    ///   - path: The YAML file; a relative path is taken from the current directory.
    ///   - environment: Where `$CREDENTIALS_DIRECTORY` is looked up for `credential:NAME` values.
    /// - Returns: The configuration, every default filled in.
    /// - Throws: ``ConfigurationError``; its `exitCode` is 66 when the file is missing, else 78.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> RunnerConfiguration {
        let file = ConfigurationPaths.absolute(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw .fileNotFound(file: file)
        }
        if isDirectory.boolValue { throw .unreadable(file: file, reason: "it is a directory") }
        guard let data = FileManager.default.contents(atPath: file) else {
            let reason = FileManager.default.isReadableFile(atPath: file) ? "the read failed" : "permission denied"
            throw .unreadable(file: file, reason: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: file, reason: "it is not UTF-8 text")
        }
        return try parse(yaml: text, path: file, environment: environment)
    }

    /// Checks and resolves configuration text as if it had been read from `path`.
    ///
    /// - Parameters:
    ///   - yaml: The file's content.
    ///   - path: The file it stands for: relative paths resolve against its directory; messages name it.
    ///   - environment: Where `$CREDENTIALS_DIRECTORY` is looked up.
    /// - Returns: The configuration, every default filled in.
    /// - Throws: ``ConfigurationError`` (exit 78).
    public static func parse(
        yaml: String, path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> RunnerConfiguration {
        let file = ConfigurationPaths.absolute(path)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ConfigurationError.syntax(file: file, line: nil, column: nil, problem: "the file is empty")
            }
            root = node
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationErrorMapping.yaml(error, file: file)
        }
        let raw: ConfigurationFile
        do {
            raw = try YAMLDecoder().decode(ConfigurationFile.self, from: root)
        } catch {
            throw ConfigurationErrorMapping.decoding(error, file: file, root: root)
        }
        return try ConfigurationResolver(file: file, root: root, environment: environment).resolve(raw)
    }
}

/// Turns Yams and Codable errors into ``ConfigurationError`` with the key path and line.
enum ConfigurationErrorMapping {
    static func yaml(_ error: any Error, file: String) -> ConfigurationError {
        guard let error = error as? YamlError else {
            return .syntax(file: file, line: nil, column: nil, problem: "\(error)")
        }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return .syntax(file: file, line: mark.line, column: mark.column, problem: problem)
        case .reader(let problem, _, _, _):
            return .syntax(file: file, line: nil, column: nil, problem: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .duplicateKey(file: file, line: context.mark.line, keys: duplicates)
        default:
            return .syntax(file: file, line: nil, column: nil, problem: "\(error)")
        }
    }

    static func decoding(_ error: any Error, file: String, root: Node) -> ConfigurationError {
        if let unknown = error as? UnknownKeyFound {
            let line = root.locate(unknown.path).line
            if unknown.key.lowercased() == "passphrase" {
                return .plainPassphrase(file: file, path: unknown.path.description, line: line)
            }
            return .unknownKey(
                file: file, path: unknown.path.description, line: line,
                suggestion: KeySuggestion.closest(to: unknown.key, in: unknown.known), known: unknown.known)
        }
        guard let error = error as? DecodingError else {
            return .syntax(file: file, line: nil, column: nil, problem: "\(error)")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let path = ConfigurationKeyPath(codingPath: context.codingPath + [key])
            return .missingKey(file: file, path: path.description, line: root.locate(path).line)
        case .valueNotFound(_, let context):
            let path = ConfigurationKeyPath(codingPath: context.codingPath)
            return .missingValue(file: file, path: path.description, line: root.locate(path).line)
        case .typeMismatch(let type, let context):
            let path = ConfigurationKeyPath(codingPath: context.codingPath)
            let (node, line) = root.locate(path)
            return .wrongType(
                file: file, path: path.description, line: line, expected: expectation(type, at: path),
                found: node?.kindDescription ?? "nothing")
        case .dataCorrupted(let context):
            let path = ConfigurationKeyPath(codingPath: context.codingPath)
            let (node, line) = root.locate(path)
            return .invalidValue(
                file: file, path: path.description, line: line, value: node?.scalar?.string ?? "",
                reason: context.debugDescription)
        @unknown default:
            return .syntax(file: file, line: nil, column: nil, problem: "\(error)")
        }
    }

    /// What belongs at `path`, in an operator's words.
    private static func expectation(_ type: Any.Type, at path: ConfigurationKeyPath) -> String {
        if path.components.last == .key("attributes") { return "all, none or a list of attribute names" }
        switch ObjectIdentifier(type) {
        case ObjectIdentifier(Int.self): return "a whole number"
        case ObjectIdentifier(Double.self): return "a number"
        case ObjectIdentifier(Bool.self): return "true or false"
        case ObjectIdentifier(String.self), ObjectIdentifier(Node.Scalar.self): return "a single value"
        case ObjectIdentifier(Node.Mapping.self): return "a mapping of keys"
        case ObjectIdentifier(Node.Sequence.self): return "a list"
        default: return "\(type)"
        }
    }
}
