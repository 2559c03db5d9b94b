import Foundation

/// The operating-system user running the process, as recorded in the history (who ran, who approved).
public enum OSUser {
    /// The login name of the effective user, or `uid N` when it has none (e.g. systemd's DynamicUser).
    public static var name: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return "uid \(geteuid())"
    }
}
