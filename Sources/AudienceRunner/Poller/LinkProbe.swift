import AudienceSFTP
import Foundation

/// Chooses how many connections fetch one file, from the measured round-trip time.
///
/// libssh's fixed receive window caps one connection at ~0.6 MB per round trip, so on a WAN a
/// large file must be split into byte ranges over several connections. On a LAN or loopback the
/// client CPU is the limit instead, and extra connections (each with its own cipher stream)
/// only compete for it: measured on 2 vCPUs, the loopback pair took 0.77x OpenSSH's time split
/// into 8 connections against 0.87-1.26x with one connection per file.
public enum LinkProbe {
    /// Round trips at or above this are treated as a WAN link.
    public static let wideAreaRoundTrip = Duration.milliseconds(5)

    /// The best of three SFTP stat round trips on an open connection.
    public static func roundTrip(_ folder: RemoteFolder, path: String) throws -> Duration {
        var best = Duration.seconds(3600)
        for _ in 0..<3 {
            let start = ContinuousClock.now
            _ = try folder.stat(path)
            best = min(best, ContinuousClock.now - start)
        }
        return best
    }

    /// Split large files only when the link, not the CPU, limits a single connection.
    public static func connectionsPerFile(roundTrip: Duration) -> ConnectionsPerFile {
        roundTrip >= wideAreaRoundTrip ? .automatic : .one
    }
}
