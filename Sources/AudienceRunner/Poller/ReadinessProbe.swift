import AudienceSFTP
import Foundation

/// What the runner needs from a remote folder; `SFTPConnection` provides it, tests may fake it.
public protocol RemoteFolder {
    func stat(_ path: String) throws -> RemoteFileInfo?
    func list(_ directory: String) throws -> [RemoteFileInfo]
}

extension SFTPConnection: RemoteFolder {}

/// One generation of an export on the server: the files to fetch, as stat'ed when found ready.
public struct RemoteFileSet: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        /// `users`, `groups` or `catalog`.
        public var role: String
        public var path: String
        public var info: RemoteFileInfo
    }

    public var files: [File]

    public func file(_ role: String) -> File? { files.first { $0.role == role } }
}

/// Whether a directory's export is complete on the server.
public enum Readiness: Sendable, Equatable {
    /// Complete: fetch these files.
    case ready(RemoteFileSet)
    /// No `users.csv` on the server.
    case absent(path: String)
    /// Still being uploaded (or too fresh): try again later (exit 75).
    case notReady(reason: String)
}

/// Decides whether a drop folder holds a complete, settled export.
///
/// A set is ready when the configured marker file (`done_file`) exists, or when every file's
/// size and mtime are unchanged across two stats `settle` apart and each mtime is at least
/// `min_age` old. Temp-named uploads beside the files (`users.csv.filepart`, `.users.csv.tmp`,
/// ...) mean an upload is in progress, so the set is not ready whatever the stats say.
public struct ReadinessProbe {
    public var directory: DirectoryConfiguration
    /// Waits between the two stats; injectable so tests need not sleep.
    public var sleep: (Duration) -> Void
    public var now: () -> Date

    /// Name suffixes that uploaders use for files still being written.
    public static let temporarySuffixes = [".filepart", ".partial", ".part", ".tmp", ".writing"]

    public init(
        directory: DirectoryConfiguration, sleep: @escaping (Duration) -> Void = { Thread.sleep(forTimeInterval: $0.timeInterval) },
        now: @escaping () -> Date = Date.init
    ) {
        self.directory = directory
        self.sleep = sleep
        self.now = now
    }

    /// Checks the folder.
    ///
    /// - Throws: `SFTPError` from the server.
    public func check(_ folder: RemoteFolder) throws -> Readiness {
        let names = [("users", directory.usersFile), ("groups", directory.groupsFile), ("catalog", directory.catalogFile)]
        let listing = try folder.list(directory.remoteDirectory)
        for (_, name) in names {
            let base = (name as NSString).lastPathComponent
            if let upload = listing.first(where: { Self.isTemporaryUpload($0.name, of: base) }) {
                return .notReady(reason: "\(upload.name) is still being uploaded beside \(base)")
            }
        }
        var files: [RemoteFileSet.File] = []
        for (role, name) in names {
            let path = directory.remotePath(name)
            guard let info = try folder.stat(path) else {
                if role == "users" { return .absent(path: path) }
                continue
            }
            guard info.isRegular else { return .notReady(reason: "\(path) is not a regular file") }
            files.append(RemoteFileSet.File(role: role, path: path, info: info))
        }
        if let marker = directory.doneFile {
            let path = directory.remotePath(marker)
            guard try folder.stat(path) != nil else { return .notReady(reason: "waiting for the marker file \(path)") }
            return .ready(RemoteFileSet(files: files))
        }
        let minimumAge = directory.minAge.timeInterval
        for file in files {
            let age = now().timeIntervalSince(file.info.modified)
            if age < minimumAge {
                return .notReady(
                    reason: "\(file.path) was modified \(Int(age.rounded(.down))) s ago; min_age is \(Int(minimumAge)) s")
            }
        }
        if directory.settle > .zero {
            sleep(directory.settle)
            for file in files {
                guard let again = try folder.stat(file.path) else {
                    return .notReady(reason: "\(file.path) disappeared while settling")
                }
                if again.size != file.info.size || again.modified != file.info.modified {
                    return .notReady(
                        reason: "\(file.path) is still changing (\(file.info.size) -> \(again.size) bytes within "
                            + "\(Int(directory.settle.timeInterval)) s)")
                }
            }
        }
        return .ready(RemoteFileSet(files: files))
    }

    /// Whether `name` is a temp-named upload of `base`: `base.filepart`, `.base`, `.base.tmp`, ...
    static func isTemporaryUpload(_ name: String, of base: String) -> Bool {
        guard name != base else { return false }
        let stripped = name.hasPrefix(".") ? String(name.dropFirst()) : name
        if stripped == base { return true }
        return temporarySuffixes.contains { stripped == base + $0 }
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    public var timeInterval: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
