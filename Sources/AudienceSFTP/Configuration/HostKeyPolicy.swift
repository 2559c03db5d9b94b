/// What to do with a server key that is not yet in known_hosts.
public enum HostKeyPolicy: String, Sendable, Hashable, CaseIterable {
    /// Refuse unknown and changed keys.
    case strict
    /// Trust on first use: append an unknown key to known_hosts; a changed key is still refused, and so is a host
    /// known only under another key type (OpenSSH's "host key for this host is of a different type").
    case acceptNew = "accept-new"
}
