import Yams

/// A location in the configuration file, written as in error messages: `directories[0].sftp.host`.
struct ConfigurationKeyPath: Hashable, Sendable, CustomStringConvertible {
    enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    var components: [Component]

    static let root = ConfigurationKeyPath(components: [])

    init(components: [Component]) {
        self.components = components
    }

    /// Converts a Codable coding path; Yams marks sequence positions with an integer value.
    init(codingPath: [any CodingKey]) {
        components = codingPath.map { key in key.intValue.map(Component.index) ?? .key(key.stringValue) }
    }

    func appending(_ key: String) -> ConfigurationKeyPath {
        ConfigurationKeyPath(components: components + [.key(key)])
    }

    func appending(index: Int) -> ConfigurationKeyPath {
        ConfigurationKeyPath(components: components + [.index(index)])
    }

    var description: String {
        guard !components.isEmpty else { return "(top level)" }
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}

extension Node {
    /// The node at `path`, and the 1-based line of the deepest node along it that exists: the key itself
    /// when present, else the mapping that lacks it (which is where a missing key belongs).
    func locate(_ path: ConfigurationKeyPath) -> (node: Node?, line: Int?) {
        var node = self
        var line = mark?.line
        for component in path.components {
            switch component {
            case .key(let key):
                guard let pair = node.mapping?.first(where: { $0.key.string == key }) else { return (nil, line) }
                line = pair.key.mark?.line ?? line
                node = pair.value
            case .index(let index):
                guard let sequence = node.sequence, index >= 0, index < sequence.count else { return (nil, line) }
                node = sequence[index]
                line = node.mark?.line ?? line
            }
        }
        return (node, line)
    }

    /// How the node reads in a "found ..." clause.
    var kindDescription: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                return "an empty value"
            }
            return "'\(scalar.string)'"
        }
    }
}
