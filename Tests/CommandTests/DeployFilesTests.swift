import Foundation
import Testing

/// The deployment files in deploy/: the systemd units pass `systemd-analyze verify`, the cron line
/// parses, and the Containerfile's runtime stage has what the binary needs and runs as non-root.
///
/// `systemd-analyze` comes with Debian's `systemd` package (deploy/dev/install-deps.sh installs it).
/// It only parses the units: it needs no running systemd. Its absence fails the test on purpose.
@Suite("deploy files", .timeLimit(.minutes(1)))
struct DeployFilesTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy")

    static let units = ["audience-sync.service", "audience-sync-watch.service", "audience-sync.timer"]

    static func read(_ relativePath: String) throws -> String {
        try String(contentsOf: deploy.appendingPathComponent(relativePath), encoding: .utf8)
    }

    // MARK: systemd

    @Test func systemdUnitsPassSystemdAnalyzeVerify() throws {
        let analyze = try #require(
            DeployProcess.which("systemd-analyze"),
            "systemd-analyze is not installed: apt-get install systemd (deploy/dev/install-deps.sh lists it)")
        let binary = CLI.binary.path
        #expect(FileManager.default.isExecutableFile(atPath: binary), "the built binary is missing: \(binary)")

        // verify refuses an ExecStart= binary that does not exist, so check copies that start the built one.
        let folder = try TempDir()
        var paths: [String] = []
        for unit in Self.units {
            let text = try Self.read("systemd/\(unit)")
            if unit.hasSuffix(".service") {
                #expect(text.contains("ExecStart=/usr/local/bin/audience-sync "), "\(unit)")
            }
            paths.append(try folder.write(unit, text.replacingOccurrences(of: "/usr/local/bin/audience-sync", with: binary)))
        }

        let result = try DeployProcess.run(analyze, ["verify", "--man=no"] + paths)

        #expect(result.status == 0, "\(result.output)")
        // verify exits 0 on an unknown key or an unparsable value ("..., ignoring"): any line about
        // our units is a failure. Lines about the host's own units are not ours to judge.
        let ours = result.output.split(separator: "\n").filter { $0.contains("audience-sync") }
        #expect(ours.isEmpty, "\(ours.joined(separator: "\n"))")
    }

    @Test func unitsKeepExitStatusAndInstallDecisions() throws {
        let service = try Self.read("systemd/audience-sync.service")
        let success = service.split(separator: "\n").filter { $0.hasPrefix("SuccessExitStatus=") }
        #expect(success == ["SuccessExitStatus=75"])
        #expect(service.contains("\nType=oneshot\n"))
        #expect(service.contains("\nLoadCredential=sftp-key:/etc/audience-sync/id_ed25519\n"))
        let watch = try Self.read("systemd/audience-sync-watch.service")
        #expect(watch.contains("\nExecStart=/usr/local/bin/audience-sync watch --config /etc/audience-sync/config.yaml\n"))
        #expect(!watch.contains("SuccessExitStatus="))
        #expect(watch.contains("\n[Install]\nWantedBy=multi-user.target\n"))
        #expect(try Self.read("systemd/audience-sync.timer").contains("\n[Install]\nWantedBy=timers.target\n"))
    }

    // MARK: cron

    @Test func cronFileHasOneJobLineThatParses() throws {
        let text = try Self.read("cron/audience-sync.cron")
        // cron silently drops a last line without a newline.
        #expect(text.hasSuffix("\n"))

        var assignments: [String: String] = [:]
        var jobs: [Substring] = []
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if let equals = trimmed.firstIndex(of: "="),
                trimmed[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !trimmed[..<equals].isEmpty
            {
                assignments[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
                continue
            }
            jobs.append(line)
        }
        let job = try #require(jobs.count == 1 ? jobs.first : nil, "expected exactly one job line, got \(jobs)")

        // /etc/cron.d format: minute hour day-of-month month day-of-week user command
        let fields = job.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: true)
        try #require(fields.count == 7, "\(job)")
        let ranges = [0...59, 0...23, 1...31, 1...12, 0...7]
        for (field, range) in zip(fields.prefix(5), ranges) {
            #expect(Self.cronFieldIsValid(field, range), "bad time field \(field) in \(job)")
        }
        #expect(fields[0] == "*/15")
        #expect(fields[5] == "audience-sync")
        let command = String(fields[6])
        #expect(command.hasPrefix("/usr/local/bin/audience-sync sync --config /etc/audience-sync/config.yaml"))
        // cron turns an unescaped % into a newline.
        #expect(!command.replacingOccurrences(of: "\\%", with: "").contains("%"), "\(command)")

        // PIPESTATUS needs bash; and the command must be valid bash.
        #expect(assignments["SHELL"] == "/bin/bash")
        let bash = try #require(DeployProcess.which("bash"))
        let syntax = try DeployProcess.run(bash, ["-n", "-c", command])
        #expect(syntax.status == 0, "\(syntax.output)")
    }

    @Test func cronFileExplainsEveryDocumentedExitCode() throws {
        let cron = try Self.read("cron/audience-sync.cron")
        let readme = try String(
            contentsOf: Self.deploy.deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        // The README's exit status table: rows like "| 75 | try again later ... |".
        let codes = readme.split(separator: "\n").compactMap { line -> Int? in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return line.hasPrefix("|") ? cells.first.flatMap { Int($0) } : nil
        }
        #expect(Set(codes).isSuperset(of: [0, 64, 65, 66, 69, 74, 75, 77, 78]), "README codes: \(codes)")
        for code in codes {
            #expect(cron.contains("#   \(code)  "), "the cron file does not explain exit status \(code)")
        }
    }

    static func cronFieldIsValid(_ field: Substring, _ range: ClosedRange<Int>) -> Bool {
        field.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { item in
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return false }
            if parts.count == 2 {
                guard let step = Int(parts[1]), step > 0, step <= range.upperBound else { return false }
            }
            if parts[0] == "*" { return true }
            let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0.map(range.contains) ?? false }) else { return false }
            return bounds.count == 1 || bounds[0]! <= bounds[1]!
        }
    }

    // MARK: Containerfile

    @Test func containerfileRuntimeStageIsMinimalAndNonRoot() throws {
        let text = try Self.read("Containerfile")
        let instructions = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        let stages = instructions.indices.filter { instructions[$0].hasPrefix("FROM ") }
        try #require(stages.count == 2, "expected a build and a runtime stage")
        let build = instructions[stages[0]..<stages[1]].joined(separator: "\n")
        let runtime = Array(instructions[stages[1]...])
        let runtimeText = runtime.joined(separator: "\n")

        #expect(build.contains("libssh-dev") && build.contains("libsqlite3-dev"))
        #expect(build.contains("swift build -c release --product audience-sync --static-swift-stdlib"))
        #expect(runtime[0].contains("debian:bookworm-slim"), "\(runtime[0])")
        for package in ["libssh-4", "libsqlite3-0", "ca-certificates"] {
            #expect(runtimeText.contains(package), "the runtime stage does not install \(package)")
        }
        #expect(!runtimeText.contains("-dev "), "no development packages at runtime")

        let user = try #require(runtime.last { $0.hasPrefix("USER ") }, "no USER in the runtime stage")
        let name = user.dropFirst("USER ".count).split(separator: ":").first.map(String.init) ?? ""
        #expect(!["", "root", "0"].contains(name), "\(user)")
        #expect(runtime.contains("ENTRYPOINT [\"audience-sync\"]"))
        #expect(runtime.contains("CMD [\"watch\", \"--config\", \"/etc/audience-sync/config.yaml\"]"))
        #expect(runtime.contains("STOPSIGNAL SIGTERM"))
        #expect(runtime.contains { $0.hasPrefix("VOLUME") && $0.contains("/var/lib/audience-sync") })
    }
}

/// Runs a helper tool (systemd-analyze, bash) with stdout and stderr merged.
private enum DeployProcess {
    struct Result {
        var status: Int32
        var output: String
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let folders = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs under coreutils' `timeout`, so a hung tool fails the test instead of hanging it.
    static func run(_ executable: String, _ arguments: [String], seconds: Int = 20) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: which("timeout") ?? "/usr/bin/timeout")
        process.arguments = ["--kill-after=5", "\(seconds)", executable] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SYSTEMD_COLORS"] = "0"
        environment["SYSTEMD_PAGER"] = ""
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
