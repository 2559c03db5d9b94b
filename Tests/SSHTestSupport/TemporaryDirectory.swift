import Foundation

/// A fresh temporary directory, removed in `deinit`.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    /// Creates `$TMPDIR/<label>-<random>`.
    public init(_ label: String = "sftp-test") throws {
        path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Path of `name` inside the directory.
    public func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    /// Names of the files in the directory, sorted.
    public func contents() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}

/// Writes `count` random bytes to `path`.
public func writeRandomFile(_ path: String, count: Int) throws {
    var generator = SystemRandomNumberGenerator()
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
        var index = 0
        while index < raw.count {
            var value = generator.next()
            let n = min(8, raw.count - index)
            withUnsafeBytes(of: &value) { source in
                for j in 0..<n { raw[index + j] = source[j] }
            }
            index += n
        }
    }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
