import AudienceCore
import Foundation

/// The downloaded files of runs held by the removal guard, kept in `<staging>/<directory>/held/<run id>/`
/// until the plan is approved (they are what `approve` applies), discarded or superseded.
public struct HeldFiles {
    /// The directory's staging folder.
    var staging: String

    var root: String { (staging as NSString).appendingPathComponent("held") }

    /// Moves a held run's staged files into its folder and records where they are.
    func keep(_ staged: [String], runID: Int64, store: AudienceStore) throws {
        let folder = (root as NSString).appendingPathComponent("\(runID)")
        try StagingArea.prepare(folder)
        var moved: [String: String] = [:]
        for path in staged {
            let name = (path as NSString).lastPathComponent
            let target = (folder as NSString).appendingPathComponent(name)
            guard rename(path, target) == 0 else {
                throw RunnerFailure.staging(path: target, message: String(cString: strerror(errno)))
            }
            moved[name] = target
        }
        try store.setHeldFilePaths(runID: runID, paths: moved)
    }

    /// Deletes the files a held run kept in its folder (`…/held/<run id>/`), and the folder once empty.
    ///
    /// Paths elsewhere are an `import`'s own input files: they belong to the operator and stay.
    /// - Parameters:
    ///   - paths: the files recorded with the held run.
    ///   - runID: the held run.
    public static func removeKept(_ paths: [String], runID: Int64) {
        for path in paths where (path as NSString).deletingLastPathComponent.hasSuffix("/held/\(runID)") {
            unlink(path)
            rmdir((path as NSString).deletingLastPathComponent)
        }
    }

    /// Deletes the folders of held runs that no longer wait for approval.
    func removeResolved(store: AudienceStore) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root),
            let pending = try? store.pendingRunIDs()
        else { return }
        for name in names {
            guard let id = Int64(name), !pending.contains(id) else { continue }
            try? FileManager.default.removeItem(atPath: (root as NSString).appendingPathComponent(name))
        }
    }
}
