/// Any key of a mapping, so the raw model can list the keys it does not know.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Thrown from inside decoding when a mapping holds a key its section does not define.
struct UnknownKeyFound: Error {
    var path: ConfigurationKeyPath
    var key: String
    var known: [String]
}

extension Decoder {
    /// Throws ``UnknownKeyFound`` for the first key (in file order) that is not in `known`.
    ///
    /// A misspelt optional key would otherwise be silently ignored and its default used.
    func rejectUnknownKeys(_ known: [String]) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw UnknownKeyFound(
                path: ConfigurationKeyPath(codingPath: codingPath).appending(key.stringValue), key: key.stringValue,
                known: known)
        }
    }
}

/// Finds the known key an unknown one was probably meant to be.
enum KeySuggestion {
    /// The closest of `known` to `key`, when it is close enough to be a typo, a case slip or camelCase.
    static func closest(to key: String, in known: [String]) -> String? {
        let normalized = normalize(key)
        if let exact = known.first(where: { normalize($0) == normalized }) { return exact }
        let limit = normalized.count <= 4 ? 1 : 2
        let scored = known.map { (key: $0, distance: distance(normalized, normalize($0))) }
        guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= limit else { return nil }
        return best.key
    }

    /// Lower case with `-` and camelCase humps turned into `_`: `stagingDir` and `staging-dir` → `staging_dir`.
    private static func normalize(_ key: String) -> [Character] {
        var result: [Character] = []
        for character in key {
            if character.isUppercase, let last = result.last, last != "_" { result.append("_") }
            result.append(character == "-" ? "_" : Character(character.lowercased()))
        }
        return result
    }

    /// Edit distance counting an adjacent transposition (`hots` → `host`) as one edit.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
