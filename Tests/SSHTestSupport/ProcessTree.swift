import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Parent/child links between live processes, read from /proc (zombies excluded).
public struct ProcessTree {
    /// Child process ids by parent process id.
    public let children: [pid_t: [pid_t]]

    /// A snapshot of every process's parent.
    public init() {
        var children: [pid_t: [pid_t]] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let process = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            if fields.count > 1, fields[0] != "Z", let parent = pid_t(fields[1]) {
                children[parent, default: []].append(process)
            }
        }
        self.children = children
    }

    /// Every live descendant of `root`, parents before their children.
    public func descendants(of root: pid_t) -> [pid_t] {
        var result: [pid_t] = []
        var queue = children[root] ?? []
        while !queue.isEmpty {
            let next = queue.removeFirst()
            result.append(next)
            queue += children[next] ?? []
        }
        return result
    }

    /// Kills `pid`'s descendants (deepest first) and then `pid` itself with SIGKILL, and reaps `pid`.
    ///
    /// For helpers such as `flock FILE sleep N`, whose own child would otherwise outlive the test.
    public static func kill(_ pid: pid_t) {
        for child in ProcessTree().descendants(of: pid).reversed() { Glibc.kill(child, SIGKILL) }
        Glibc.kill(pid, SIGKILL)
        Shell.wait(pid)
    }
}
