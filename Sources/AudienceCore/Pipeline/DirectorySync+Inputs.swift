import Foundation

extension DirectorySync {
    /// Whether two file sets have the same roles, sizes and SHA-256s (names may differ).
    static func sameContent(_ lhs: [FileFingerprint], _ rhs: [FileFingerprint]) -> Bool {
        func key(_ files: [FileFingerprint]) -> [String] { files.map { "\($0.role) \($0.bytes) \($0.sha256)" }.sorted() }
        return key(lhs) == key(rhs)
    }

    /// The run's input files with their sizes; a missing file fails here, before any work.
    static func inputs(_ request: SyncRequest) throws(ValidationError) -> [(role: String, path: String, name: String, bytes: Int64)] {
        var inputs = [("users", request.usersPath)]
        if let path = request.groupsPath { inputs.append(("groups", path)) }
        if let path = request.catalogPath { inputs.append(("catalog", path)) }
        return try inputs.map { role, path throws(ValidationError) in
            var info = stat()
            guard stat(path, &info) == 0 else {
                if errno == ENOENT { throw .missingFile(path: path) }
                throw .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            return (role, path, (path as NSString).lastPathComponent, Int64(info.st_size))
        }
    }

    static func sameSizes(_ files: [FileFingerprint], _ inputs: [(role: String, path: String, name: String, bytes: Int64)]) -> Bool {
        files.map { "\($0.role) \($0.bytes)" }.sorted() == inputs.map { "\($0.role) \($0.bytes)" }.sorted()
    }
}
