/// A problem with the configuration file or with the files it names.
///
/// Every message names the configuration file, the line when known, and the key path
/// (`directories[0].sftp.host`), so an operator can go straight to the offending line.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The configuration file does not exist.
    case fileNotFound(file: String)
    /// The configuration file exists but cannot be read.
    case unreadable(file: String, reason: String)
    /// The file is not well-formed YAML.
    case syntax(file: String, line: Int?, column: Int?, problem: String)
    /// A mapping holds the same key twice.
    case duplicateKey(file: String, line: Int?, keys: [String])
    /// A key this version does not know; `suggestion` is the closest known key when one is close.
    case unknownKey(file: String, path: String, line: Int?, suggestion: String?, known: [String])
    /// A `passphrase` key: secrets never go in the configuration file.
    case plainPassphrase(file: String, path: String, line: Int?)
    /// A required key is absent.
    case missingKey(file: String, path: String, line: Int?)
    /// A required key is present with an empty value.
    case missingValue(file: String, path: String, line: Int?)
    /// A value of the wrong YAML kind, such as a list where a number belongs.
    case wrongType(file: String, path: String, line: Int?, expected: String, found: String)
    /// A value of the right kind that breaks a rule (range, syntax, characters).
    case invalidValue(file: String, path: String, line: Int?, value: String, reason: String)
    /// `directories` is absent or empty.
    case noDirectories(file: String, line: Int?)
    /// Two directories share an id.
    case duplicateDirectoryID(file: String, path: String, line: Int?, id: String, firstPath: String)
    /// Two keys that exclude each other are both set.
    case conflictingKeys(file: String, path: String, line: Int?, keys: [String])
    /// A `credential:NAME` value while `$CREDENTIALS_DIRECTORY` is not set.
    case credentialsDirectoryUnset(file: String, path: String, line: Int?, name: String)
    /// A file the configuration names (key, passphrase, known_hosts) does not exist.
    case missingFile(file: String, path: String, target: String)
    /// A file the configuration names is a directory, device or socket, or cannot be inspected.
    case notRegularFile(file: String, path: String, target: String, reason: String)
    /// A private key or passphrase file readable or writable by group or others (exit 77).
    case permissionsTooOpen(file: String, path: String, target: String, mode: UInt32)

    /// The sysexits.h code: 66 for a missing configuration file, 77 for a key file others can read, else 78.
    public var exitCode: Int32 {
        switch self {
        case .fileNotFound: return 66
        case .permissionsTooOpen: return 77
        default: return 78
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let file):
            return "\(file): no such configuration file."
        case .unreadable(let file, let reason):
            return "\(file): cannot read the configuration file: \(reason)."
        case .syntax(let file, let line, let column, let problem):
            let position = line.map { ":\($0)" + (column.map { ":\($0)" } ?? "") } ?? ""
            return "\(file)\(position): invalid YAML: \(problem)."
        case .duplicateKey(let file, let line, let keys):
            let names = keys.map { "'\($0)'" }.joined(separator: ", ")
            return "\(Self.prefix(file, line))key \(names) appears more than once in the same mapping."
        case .unknownKey(let file, let path, let line, let suggestion, let known):
            let hint = suggestion.map { "did you mean '\($0)'?" } ?? "known keys: \(known.joined(separator: ", "))"
            return "\(Self.prefix(file, line))\(path): unknown key (\(hint))."
        case .plainPassphrase(let file, let path, let line):
            return "\(Self.prefix(file, line))\(path): the configuration file never holds secrets; "
                + "put the passphrase in a file and name it with passphrase_file."
        case .missingKey(let file, let path, let line):
            return "\(Self.prefix(file, line))\(path): required key is missing."
        case .missingValue(let file, let path, let line):
            return "\(Self.prefix(file, line))\(path): a value is required."
        case .wrongType(let file, let path, let line, let expected, let found):
            return "\(Self.prefix(file, line))\(path): expected \(expected), found \(found)."
        case .invalidValue(let file, let path, let line, let value, let reason):
            return "\(Self.prefix(file, line))\(path): invalid value '\(value)': \(reason)."
        case .noDirectories(let file, let line):
            return "\(Self.prefix(file, line))directories: at least one directory is required."
        case .duplicateDirectoryID(let file, let path, let line, let id, let firstPath):
            return "\(Self.prefix(file, line))\(path): id '\(id)' is already used by \(firstPath); ids must be unique."
        case .conflictingKeys(let file, let path, let line, let keys):
            return
                "\(Self.prefix(file, line))\(path): \(keys.joined(separator: " and ")) cannot both be set; choose one."
        case .credentialsDirectoryUnset(let file, let path, let line, let name):
            return "\(Self.prefix(file, line))\(path): 'credential:\(name)' needs $CREDENTIALS_DIRECTORY, "
                + "which is not set (pass the file with LoadCredential= in the systemd unit, or use a path)."
        case .missingFile(let file, let path, let target):
            return "\(Self.prefix(file, nil))\(path): '\(target)' does not exist."
        case .notRegularFile(let file, let path, let target, let reason):
            return "\(Self.prefix(file, nil))\(path): '\(target)' \(reason)."
        case .permissionsTooOpen(let file, let path, let target, let mode):
            return "\(Self.prefix(file, nil))\(path): Permissions \(Self.octal(mode)) for '\(target)' are too open; "
                + "it must not be accessible by group or others (chmod 600 '\(target)')."
        }
    }

    /// `file:line: `, `file: ` or nothing, for a configuration built in memory.
    private static func prefix(_ file: String, _ line: Int?) -> String {
        guard !file.isEmpty else { return "" }
        return "\(file)\(line.map { ":\($0)" } ?? ""): "
    }

    /// Four octal digits, as `ls -l` users and OpenSSH write modes: `0644`.
    static func octal(_ mode: UInt32) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
