import Foundation

/// An exclusive lock next to the database, so two runs can never overlap.
///
/// `flock(2)` on `<database>.lock`: the kernel releases it when the process dies, so a killed
/// run never leaves a stale lock. The holder writes its PID into the file for the message.
public final class RunLock {
    public let path: String
    private var fd: Int32

    /// Takes the lock or fails at once.
    ///
    /// - Parameter databasePath: the audience database; the lock file is `<path>.lock`.
    /// - Throws: `RunLockError.held` with the holder's PID (exit 75), `.cannotCreate` (exit 74).
    public init(databasePath: String) throws(RunLockError) {
        path = databasePath + ".lock"
        let oldMask = umask(0o077)
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        umask(oldMask)
        guard fd >= 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = Self.readPID(fd)
            close(fd)
            throw .held(path: path, pid: holder)
        }
        let text = "\(getpid())\n"
        ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit { release() }

    /// Releases the lock (also done on deinit and by the kernel at exit).
    public func release() {
        guard fd >= 0 else { return }
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    /// The PID recorded by whoever holds the lock at `databasePath`, or nil when nobody does.
    public static func holder(databasePath: String) -> Int32? {
        probe(databasePath: databasePath).pid
    }

    /// Whether a process holds the lock at `databasePath`, and its PID when it has written it yet
    /// (a holder that just took the lock may not have).
    public static func probe(databasePath: String) -> (held: Bool, pid: Int32?) {
        let fd = open(databasePath + ".lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return (false, nil) }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return (false, nil)
        }
        return (true, readPID(fd))
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, 31, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Why the run lock could not be taken.
public enum RunLockError: Error, CustomStringConvertible, Sendable {
    case held(path: String, pid: Int32?)
    case cannotCreate(path: String, reason: String)

    public var description: String {
        switch self {
        case .held(let path, let pid):
            let who = pid.map { "process \($0)" } ?? "another process"
            return "\(path): another run is in progress (\(who) holds the lock); try again later."
        case .cannotCreate(let path, let reason):
            return "\(path): cannot create the lock file: \(reason)."
        }
    }

    /// 75 (temporary failure) when held, 74 when the lock file cannot be created.
    public var exitCode: Int32 {
        switch self {
        case .held: return 75
        case .cannotCreate: return 74
        }
    }
}
