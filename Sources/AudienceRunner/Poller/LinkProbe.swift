import AudienceSFTP
import Foundation

/// Chooses how many connections fetch one file, from the measured round-trip time.
///
/// libssh's fixed receive window caps one connection at ~0.6 MB per round trip, so on a WAN a
/// large file is split over up to 4 connections. On a LAN or loopback the client CPU is the limit
/// instead: one connection is one thread (libssh reads the socket 4 KiB per `poll` + `recv`), so a
/// lone large file gets two connections, while two files already run on two. Measured on 2 vCPUs
/// (1 GiB, loopback): one connection 0.72x OpenSSH's throughput, two 0.9x and more; the pair took
/// 0.77x OpenSSH's time split into 8 connections against 0.87-1.26x with one connection per file.
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

    /// Splitting for `files` files fetched at once: up to 4 connections per large file on a slow link; on
    /// a fast one, 2 for a lone file of 64 MiB or more and 1 each when there are several files.
    public static func connectionsPerFile(roundTrip: Duration, files: Int) -> ConnectionsPerFile {
        if roundTrip >= wideAreaRoundTrip { return .automatic }
        return files <= 1 ? .two : .one
    }
}
