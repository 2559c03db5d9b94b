import AudienceCore
import AudienceSFTP

/// One HR directory: its SFTP drop folder, the files to fetch there, and the rules to apply them by.
public struct DirectoryConfiguration: Sendable, Equatable {
    /// Unique, `[A-Za-z0-9._-]+`; members are keyed by (directory, user id).
    public var id: String
    /// Host, credentials, host-key policy and timeouts; `deadline` is left nil for the runner to set per run.
    public var endpoint: SFTPEndpoint
    /// `remote_dir`: the drop folder, as the server names it.
    public var remoteDirectory: String
    /// `users_file`: a file name inside ``remoteDirectory`` (or an absolute remote path); see ``remotePath(_:)``.
    public var usersFile: String
    /// `groups_file`: the memberships file, like ``usersFile``.
    public var groupsFile: String
    /// `groups_catalog_file`: the groups catalog, like ``usersFile``.
    public var catalogFile: String
    /// `done_file`: when set, the file set is ready only once this marker exists in ``remoteDirectory``.
    public var doneFile: String?
    /// `archive_dir`: move the files here after a successful apply (relative names are under ``remoteDirectory``).
    public var archiveDirectory: String?
    /// `delete_after_apply`: delete the files after a successful apply; never together with ``archiveDirectory``.
    public var deleteAfterApply: Bool
    /// `error_dir`: move a file set that failed validation here (relative names are under ``remoteDirectory``).
    public var errorDirectory: String?
    /// `skip_unchanged_by_stat`: skip the download when size and mtime equal the last applied run's.
    public var skipUnchangedByStat: Bool
    /// `attributes`: the opt-in member attributes stored for this directory.
    public var attributes: AttributeSelection
    /// `settle`: how long sizes and mtimes must stay unchanged before a download; zero disables.
    public var settle: Duration
    /// `min_age`: how old the newest file must be before a download; zero disables.
    public var minAge: Duration
    /// `interval`: the watch-mode cadence.
    public var interval: Duration
    /// `deadline`: the limit for one whole run of this directory.
    public var deadline: Duration
    /// `max_file_size` becomes `maxBytes`.
    public var download: DownloadOptions
    /// `max_removals`, `max_removal_percent`, `allow_mass_removal`.
    public var removalGuard: RemovalGuard
    /// `max_rejected_percent`.
    public var rejectLimit: RejectLimit
    /// The configuration file this came from, for error messages ("" when built in memory).
    public var configurationFile: String
    /// Where in that file, e.g. `directories[0]`.
    public var location: String

    /// Default for `users_file`.
    public static let defaultUsersFile = "users.csv"
    /// Default for `groups_file`.
    public static let defaultGroupsFile = "user_groups.csv"
    /// Default for `groups_catalog_file`.
    public static let defaultCatalogFile = "groups.csv"
    /// Default for `settle`: 15 seconds.
    public static let defaultSettle: Duration = .seconds(15)
    /// Default for `min_age`: 60 seconds.
    public static let defaultMinAge: Duration = .seconds(60)
    /// Default for `interval`: 15 minutes.
    public static let defaultInterval: Duration = .seconds(15 * 60)
    /// Default for `connect_timeout`: 10 seconds, as `SFTPEndpoint`.
    public static let defaultConnectTimeout: Duration = .seconds(10)
    /// Default for `operation_timeout`: 60 seconds, as `SFTPEndpoint`.
    public static let defaultOperationTimeout: Duration = .seconds(60)
    /// Default for `deadline`: 15 minutes.
    public static let defaultDeadline: Duration = .seconds(15 * 60)

    /// Creates a directory configuration in memory.
    ///
    /// Files normally come from ``RunnerConfiguration/load(path:environment:)``, which fills `configurationFile`
    /// and `location` so error messages point into the file; `location` defaults to `directory 'ID'`.
    public init(
        id: String, endpoint: SFTPEndpoint, remoteDirectory: String,
        usersFile: String = DirectoryConfiguration.defaultUsersFile,
        groupsFile: String = DirectoryConfiguration.defaultGroupsFile,
        catalogFile: String = DirectoryConfiguration.defaultCatalogFile,
        doneFile: String? = nil, archiveDirectory: String? = nil, deleteAfterApply: Bool = false,
        errorDirectory: String? = nil, skipUnchangedByStat: Bool = true, attributes: AttributeSelection = .none,
        settle: Duration = DirectoryConfiguration.defaultSettle,
        minAge: Duration = DirectoryConfiguration.defaultMinAge,
        interval: Duration = DirectoryConfiguration.defaultInterval,
        deadline: Duration = DirectoryConfiguration.defaultDeadline, download: DownloadOptions = DownloadOptions(),
        removalGuard: RemovalGuard = RemovalGuard(), rejectLimit: RejectLimit = RejectLimit(),
        configurationFile: String = "", location: String? = nil
    ) {
        self.id = id
        self.endpoint = endpoint
        self.remoteDirectory = remoteDirectory
        self.usersFile = usersFile
        self.groupsFile = groupsFile
        self.catalogFile = catalogFile
        self.doneFile = doneFile
        self.archiveDirectory = archiveDirectory
        self.deleteAfterApply = deleteAfterApply
        self.errorDirectory = errorDirectory
        self.skipUnchangedByStat = skipUnchangedByStat
        self.attributes = attributes
        self.settle = settle
        self.minAge = minAge
        self.interval = interval
        self.deadline = deadline
        self.download = download
        self.removalGuard = removalGuard
        self.rejectLimit = rejectLimit
        self.configurationFile = configurationFile
        self.location = location ?? "directory '\(id)'"
    }

    /// The remote path of `name`: itself when absolute, else inside ``remoteDirectory``.
    ///
    /// - Parameter name: A file name such as ``usersFile``, or a remote path.
    /// - Returns: e.g. `/upload/users.csv`.
    public func remotePath(_ name: String) -> String {
        if name.hasPrefix("/") { return name }
        return remoteDirectory.hasSuffix("/") ? remoteDirectory + name : remoteDirectory + "/" + name
    }
}
