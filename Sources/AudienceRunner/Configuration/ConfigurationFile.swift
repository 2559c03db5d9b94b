/// The configuration file as written, before defaults, path resolution and validation.
///
/// Each section rejects keys it does not define; values stay text where the file has its own notation
/// (durations, sizes, paths) so the resolver can report them with their key path and line.
struct ConfigurationFile: Decodable {
    var database: String
    var stagingDir: String
    var metricsFile: String?
    var keepRuns: Int?
    var keepStaged: Bool?
    var logFormat: String?
    var logLevel: String?
    var defaults: TuningSection?
    var directories: [DirectorySection]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case database
        case stagingDir = "staging_dir"
        case metricsFile = "metrics_file"
        case keepRuns = "keep_runs"
        case keepStaged = "keep_staged"
        case logFormat = "log_format"
        case logLevel = "log_level"
        case defaults
        case directories
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        database = try container.decodeRequired(String.self, forKey: .database)
        stagingDir = try container.decodeRequired(String.self, forKey: .stagingDir)
        metricsFile = try container.decodeIfPresent(String.self, forKey: .metricsFile)
        keepRuns = try container.decodeIfPresent(Int.self, forKey: .keepRuns)
        keepStaged = try container.decodeIfPresent(Bool.self, forKey: .keepStaged)
        logFormat = try container.decodeIfPresent(String.self, forKey: .logFormat)
        logLevel = try container.decodeIfPresent(String.self, forKey: .logLevel)
        defaults = try container.decodeIfPresent(TuningSection.self, forKey: .defaults)
        directories = try container.decodeIfPresent([DirectorySection].self, forKey: .directories)
    }
}

/// One entry of `directories`: an id, its SFTP drop folder, and tuning that overrides `defaults`.
struct DirectorySection: Decodable {
    var id: String
    var sftp: SFTPSection
    var tuning: TuningSection

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case sftp
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(
            CodingKeys.allCases.map(\.rawValue) + TuningSection.CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeRequired(String.self, forKey: .id)
        sftp = try container.decodeRequired(SFTPSection.self, forKey: .sftp)
        tuning = try TuningSection(from: decoder, checkingKeys: false)
    }
}

/// `directories[n].sftp`: where the files are and what to do with them.
struct SFTPSection: Decodable {
    var host: String
    var port: Int?
    var username: String
    var privateKey: String
    var passphraseFile: String?
    var knownHosts: String
    var hostKeyPolicy: String?
    var remoteDir: String
    var usersFile: String?
    var groupsFile: String?
    var groupsCatalogFile: String?
    var doneFile: String?
    var archiveDir: String?
    var deleteAfterApply: Bool?
    var errorDir: String?
    var skipUnchangedByStat: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, username
        case privateKey = "private_key"
        case passphraseFile = "passphrase_file"
        case knownHosts = "known_hosts"
        case hostKeyPolicy = "host_key_policy"
        case remoteDir = "remote_dir"
        case usersFile = "users_file"
        case groupsFile = "groups_file"
        case groupsCatalogFile = "groups_catalog_file"
        case doneFile = "done_file"
        case archiveDir = "archive_dir"
        case deleteAfterApply = "delete_after_apply"
        case errorDir = "error_dir"
        case skipUnchangedByStat = "skip_unchanged_by_stat"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        host = try container.decodeRequired(String.self, forKey: .host)
        port = try container.decodeIfPresent(Int.self, forKey: .port)
        username = try container.decodeRequired(String.self, forKey: .username)
        privateKey = try container.decodeRequired(String.self, forKey: .privateKey)
        passphraseFile = try container.decodeIfPresent(String.self, forKey: .passphraseFile)
        knownHosts = try container.decodeRequired(String.self, forKey: .knownHosts)
        hostKeyPolicy = try container.decodeIfPresent(String.self, forKey: .hostKeyPolicy)
        remoteDir = try container.decodeRequired(String.self, forKey: .remoteDir)
        usersFile = try container.decodeIfPresent(String.self, forKey: .usersFile)
        groupsFile = try container.decodeIfPresent(String.self, forKey: .groupsFile)
        groupsCatalogFile = try container.decodeIfPresent(String.self, forKey: .groupsCatalogFile)
        doneFile = try container.decodeIfPresent(String.self, forKey: .doneFile)
        archiveDir = try container.decodeIfPresent(String.self, forKey: .archiveDir)
        deleteAfterApply = try container.decodeIfPresent(Bool.self, forKey: .deleteAfterApply)
        errorDir = try container.decodeIfPresent(String.self, forKey: .errorDir)
        skipUnchangedByStat = try container.decodeIfPresent(Bool.self, forKey: .skipUnchangedByStat)
    }
}

/// The per-directory tuning keys, allowed both in a directory and under top-level `defaults:`.
struct TuningSection: Decodable {
    var attributes: AttributeList?
    var settle: String?
    var minAge: String?
    var interval: String?
    var connectTimeout: String?
    var operationTimeout: String?
    var deadline: String?
    var maxFileSize: String?
    var maxRemovals: Int?
    var maxRemovalPercent: Double?
    var maxRejectedPercent: Double?
    var allowMassRemoval: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case attributes, settle
        case minAge = "min_age"
        case interval
        case connectTimeout = "connect_timeout"
        case operationTimeout = "operation_timeout"
        case deadline
        case maxFileSize = "max_file_size"
        case maxRemovals = "max_removals"
        case maxRemovalPercent = "max_removal_percent"
        case maxRejectedPercent = "max_rejected_percent"
        case allowMassRemoval = "allow_mass_removal"
    }

    init(from decoder: any Decoder) throws {
        try self.init(from: decoder, checkingKeys: true)
    }

    /// - Parameter checkingKeys: false inside a directory, whose own section already checked the keys.
    init(from decoder: any Decoder, checkingKeys: Bool) throws {
        if checkingKeys { try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue)) }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        attributes = try container.decodeIfPresent(AttributeList.self, forKey: .attributes)
        // Durations and sizes are read as text: Yams gives a plain `90` as "90" too.
        settle = try container.decodeIfPresent(String.self, forKey: .settle)
        minAge = try container.decodeIfPresent(String.self, forKey: .minAge)
        interval = try container.decodeIfPresent(String.self, forKey: .interval)
        connectTimeout = try container.decodeIfPresent(String.self, forKey: .connectTimeout)
        operationTimeout = try container.decodeIfPresent(String.self, forKey: .operationTimeout)
        deadline = try container.decodeIfPresent(String.self, forKey: .deadline)
        maxFileSize = try container.decodeIfPresent(String.self, forKey: .maxFileSize)
        maxRemovals = try container.decodeIfPresent(Int.self, forKey: .maxRemovals)
        maxRemovalPercent = try container.decodeIfPresent(Double.self, forKey: .maxRemovalPercent)
        maxRejectedPercent = try container.decodeIfPresent(Double.self, forKey: .maxRejectedPercent)
        allowMassRemoval = try container.decodeIfPresent(Bool.self, forKey: .allowMassRemoval)
    }
}

/// `attributes:` as a YAML list (`[job_title, city]`) or as text (`all`, `none`, `job_title,city`).
struct AttributeList: Decodable {
    var names: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let list = try? container.decode([String].self) {
            names = list
        } else {
            names = [try container.decode(String.self)]
        }
    }

    /// The text `AttributeSelection(parsing:)` reads.
    var text: String { names.joined(separator: ",") }
}

extension KeyedDecodingContainer {
    /// Like `decode`, but an empty value (`host:`) is reported as missing rather than decoded as "".
    func decodeRequired<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard contains(key) else {
            throw DecodingError.keyNotFound(
                key, DecodingError.Context(codingPath: codingPath, debugDescription: "missing"))
        }
        guard let value = try decodeIfPresent(type, forKey: key) else {
            throw DecodingError.valueNotFound(
                type, DecodingError.Context(codingPath: codingPath + [key], debugDescription: "empty"))
        }
        return value
    }
}
