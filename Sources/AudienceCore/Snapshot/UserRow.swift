/// What the snapshot keeps of one `users.csv` data row: hashes and a line number, never the strings.
///
/// At 1M users this is ~48 MB; the row's content is read again from the file when it is written.
struct UserRow {
    enum Status: UInt8 {
        /// Valid and active: the member is synced.
        case active
        /// Valid but inactive: the member is not synced (removed if present).
        case inactive
        /// Rejected: the database keeps whatever it has for this `user_id`.
        case rejected
    }

    /// Hash of the trimmed `user_id` (zero when the row has none).
    var key: Hash128
    /// Hash of the trimmed, lowercased email.
    var email: Hash128
    /// Hash of everything stored for the member (user_id, email, names, enabled attributes).
    var content: UInt64
    /// Physical line of the row in the file.
    var line: Int32
    var status: Status
}

/// The rejected rows of one file, with a cap on how many are kept in detail.
public struct RejectionLog: Sendable {
    /// Rejections kept in detail (at most `limit`).
    public private(set) var entries: [Rejection] = []
    /// All rejections, including those beyond the limit.
    public private(set) var count = 0
    public let limit: Int

    public init(limit: Int = 10_000) {
        self.limit = limit
    }

    mutating func append(_ rejection: Rejection) {
        count += 1
        if entries.count < limit { entries.append(rejection) }
    }

    mutating func append(contentsOf other: RejectionLog) {
        for entry in other.entries { append(entry) }
        count += other.count - other.entries.count
    }

    mutating func sortByLine() {
        entries.sort { ($0.file, $0.line, $0.column ?? 0) < ($1.file, $1.line, $1.column ?? 0) }
    }
}

/// Identity of one input file: where it came from, its size and SHA-256.
public struct FileFingerprint: Sendable, Equatable, Codable {
    /// `users`, `groups` or `catalog`.
    public var role: String
    public var name: String
    public var bytes: Int64
    public var sha256: String
    /// For files fetched by SFTP: the server's size and modification time (seconds since 1970).
    public var remoteSize: Int64?
    public var remoteModified: Double?
    /// Where the file is kept while its run is held for approval (the local file for `import`).
    public var path: String?

    public init(
        role: String, name: String, bytes: Int64, sha256: String, remoteSize: Int64? = nil, remoteModified: Double? = nil
    ) {
        self.role = role
        self.name = name
        self.bytes = bytes
        self.sha256 = sha256
        self.remoteSize = remoteSize
        self.remoteModified = remoteModified
    }
}
