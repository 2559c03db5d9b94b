import Foundation

/// The private local folder that downloads land in: mode 0700, one subfolder per directory.
enum StagingArea {
    /// Creates the folder (and parents) with mode 0700; an existing folder is tightened to 0700.
    static func prepare(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if chmod(path, 0o700) != 0 {
                throw RunnerFailure.staging(path: path, message: String(cString: strerror(errno)))
            }
        } catch let error as RunnerFailure {
            throw error
        } catch {
            throw RunnerFailure.staging(path: path, message: error.localizedDescription)
        }
    }

    /// Deletes staged files after a successful apply.
    static func remove(_ paths: [String]) {
        for path in paths { unlink(path) }
    }

    /// Deletes any leftover `*.partial` file (a download cut short is never used).
    static func removePartials(in path: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where name.hasSuffix(".partial") {
            unlink((path as NSString).appendingPathComponent(name))
        }
    }
}
