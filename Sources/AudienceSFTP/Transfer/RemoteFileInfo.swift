import Foundation

/// Metadata of one remote directory entry or stat result.
public struct RemoteFileInfo: Sendable, Hashable {
    /// What kind of object a remote path names.
    public enum Kind: Sendable, Hashable {
        case regular, directory, symlink, other
    }

    /// Last path component (for `stat`, the last component of the path asked for).
    public var name: String
    public var size: UInt64
    public var modified: Date
    public var kind: Kind

    public var isRegular: Bool { kind == .regular }

    public init(name: String, size: UInt64, modified: Date, kind: Kind) {
        self.name = name
        self.size = size
        self.modified = modified
        self.kind = kind
    }
}
