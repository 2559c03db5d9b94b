import AudienceCSV

/// Checks a snapshot's files without a database, for the `validate` command.
public struct SnapshotValidator {
    public var attributes: AttributeSelection
    public var csvOptions: CSVOptions

    public init(attributes: AttributeSelection = .all, csvOptions: CSVOptions = CSVOptions()) {
        self.attributes = attributes
        self.csvOptions = csvOptions
    }

    /// What validation found.
    public struct Result: Sendable {
        public var dataRows = 0
        public var active = 0
        public var inactive = 0
        public var membershipRows = 0
        public var rejections = RejectionLog()
        public var warnings: [String] = []
    }

    /// Reads and validates every file.
    ///
    /// - Throws: `ValidationError` for the first file-level problem.
    public func validate(usersPath: String, groupsPath: String?, catalogPath: String?) throws -> Result {
        let usersFile = (usersPath as NSString).lastPathComponent
        if !FileManager.default.fileExists(atPath: usersPath) { throw ValidationError.missingFile(path: usersPath) }
        let users = try UsersScanner(attributes: attributes, csvOptions: csvOptions, hashContent: false)
            .scan(path: usersPath, file: usersFile)
        var result = Result()
        result.dataRows = users.rows.count
        result.active = users.activeCount
        result.inactive = users.inactiveCount
        result.rejections = users.rejections
        if !users.layout.unknown.isEmpty {
            result.warnings.append("\(usersFile): ignoring unknown columns: \(FileLayout.listing(users.layout.unknown)).")
        }
        var groups = GroupTable()
        let scanner = MembershipScanner(csvOptions: csvOptions)
        if let groupsPath {
            if !FileManager.default.fileExists(atPath: groupsPath) { throw ValidationError.missingFile(path: groupsPath) }
            // Validation needs no member ids: every synced user maps to a placeholder.
            let ids = [Int64](repeating: 1, count: users.rows.count)
            let scan = try scanner.scanMemberships(
                path: groupsPath, file: (groupsPath as NSString).lastPathComponent, users: users, memberIDs: ids,
                groups: &groups)
            result.membershipRows = scan.dataRows
            result.rejections.append(contentsOf: scan.rejections)
        }
        if let catalogPath {
            if !FileManager.default.fileExists(atPath: catalogPath) { throw ValidationError.missingFile(path: catalogPath) }
            result.rejections.append(
                contentsOf: try scanner.scanCatalog(
                    path: catalogPath, file: (catalogPath as NSString).lastPathComponent, groups: &groups))
        }
        return result
    }
}

import Foundation
