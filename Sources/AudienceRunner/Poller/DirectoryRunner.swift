import AudienceCore
import AudienceSFTP
import Foundation
import Logging

/// One sync run of one configured directory: connect → check readiness → download → apply →
/// post-process. It never throws: every failure becomes an outcome with its documented exit code.
public struct DirectoryRunner: Sendable {
    public var configuration: RunnerConfiguration
    public var directory: DirectoryConfiguration
    public var store: AudienceStore
    public var logger: Logger
    public var dryRun = false
    public var retryPolicy = RetryPolicy.default
    public var probeSleep: @Sendable (Duration) -> Void = { Thread.sleep(forTimeInterval: $0.timeInterval) }

    public init(configuration: RunnerConfiguration, directory: DirectoryConfiguration, store: AudienceStore, logger: Logger) {
        self.configuration = configuration
        self.directory = directory
        self.store = store
        self.logger = logger
        self.logger[metadataKey: "directory"] = "\(directory.id)"
    }

    /// Runs on a dedicated thread: libssh calls block, and must stay off Swift's cooperative pool.
    public func runOnThread() async -> DirectoryOutcome {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: self.run()) }
            thread.name = "audience-sync.\(directory.id)"
            thread.start()
        }
    }

    /// Runs synchronously on the calling thread: one run in the history, one `run.start` and one `run.end`.
    public func run() -> DirectoryOutcome {
        let context: RunContext
        do {
            context = try RunContext.begin(
                store: store, directory: directory.id, command: "sync", dryRun: dryRun, logger: logger)
        } catch {
            let outcome = Self.outcome(of: error, directory: directory.id)
            logger.error(
                "run ended", metadata: ["event": "run.end", "outcome": "failed", "exit_code": .stringConvertible(outcome.exitCode), "reason": "\(error)"])
            return outcome
        }
        let outcome = run(context: context)
        if outcome.kind == .notReady || (outcome.kind == .failed && outcome.exitCode != 65 && outcome.report == nil) {
            // File-level data errors are recorded by DirectorySync itself.
            if !context.hasEnded {
                context.recordFailure(
                    outcome: outcome.kind == .notReady ? "not-ready" : "failed", exitCode: outcome.exitCode,
                    message: outcome.message)
            }
        } else if outcome.kind == .noFiles, !context.hasEnded {
            context.recordFailure(outcome: "no-files", exitCode: 0, message: outcome.message)
        }
        context.end(
            outcome: outcome.kind == .failed && outcome.exitCode == 65 ? "rejected" : outcome.kind.rawValue,
            exitCode: outcome.exitCode, message: outcome.kind == .applied ? nil : outcome.message,
            counts: outcome.report?.counts)
        return outcome
    }

    private func run(context: RunContext) -> DirectoryOutcome {
        let logger = context.logger
        let sync = DirectorySync(store: store, logger: logger)
        var endpoint = directory.endpoint
        endpoint.deadline = .now + directory.deadline
        let staging = (configuration.stagingDirectory as NSString).appendingPathComponent(directory.id)
        var staged: [String] = []
        do {
            let connectStarted = ContinuousClock.now
            let connection = try SFTPConnection(endpoint: endpoint, retryPolicy: retryPolicy, logger: logger)
            defer { connection.close() }
            logger.info(
                "SFTP session open",
                metadata: [
                    "event": "sftp.connect", "host": "\(endpoint.host)", "port": .stringConvertible(endpoint.port),
                    "user": "\(endpoint.username)", "duration_ms": .stringConvertible(connectStarted.milliseconds),
                ])
            let probe = ReadinessProbe(directory: directory, sleep: probeSleep)
            let set: RemoteFileSet
            switch try probe.check(connection) {
            case .absent(let path):
                let idle = directory.archiveDirectory != nil || directory.deleteAfterApply
                return DirectoryOutcome(
                    directory: directory.id, kind: idle ? .noFiles : .failed, exitCode: idle ? 0 : 66,
                    message: idle ? "no export waiting in \(directory.remoteDirectory)" : "\(path) not found on \(endpoint.host)")
            case .notReady(let reason):
                logger.notice("export not ready", metadata: ["event": "file.settling", "reason": "\(reason)"])
                return DirectoryOutcome(directory: directory.id, kind: .notReady, exitCode: 75, message: reason)
            case .ready(let files):
                set = files
            }
            for file in set.files {
                logger.info(
                    "remote file ready",
                    metadata: [
                        "event": "sftp.stat", "file": "\(file.path)", "bytes": .stringConvertible(file.info.size),
                        "mtime": "\(Timestamp.rfc3339(file.info.modified))",
                    ])
            }
            if let unchanged = try skipByStat(set, sync: sync, context: context) {
                // As for files found unchanged by SHA-256: the export was applied (by an earlier run, or by
                // `approve`, which has no SFTP connection), so it is archived or deleted now, or an earlier
                // post-processing that failed is retried.
                PostProcessor(directory: directory, logger: logger).finish(set, on: connection)
                return unchanged
            }

            try StagingArea.prepare(staging)
            // A run killed mid-download (SIGKILL, power loss) may have left a partial file behind.
            StagingArea.removePartials(in: staging)
            let requests = set.files.map { DownloadRequest(remotePath: $0.path, fileName: ($0.path as NSString).lastPathComponent) }
            let roundTrip = try LinkProbe.roundTrip(connection, path: set.files[0].path)
            let results = ParallelDownloader.download(
                requests, from: endpoint, into: staging, options: directory.download,
                connectionsPerFile: LinkProbe.connectionsPerFile(roundTrip: roundTrip, files: set.files.count), over: connection,
                retryPolicy: retryPolicy, logger: logger)
            staged = results.compactMap { try? $0.get().localPath }
            let downloads = try results.map { try $0.get() }
            // The same generation, or nothing: a file replaced while we read it is not applied.
            for (file, download) in zip(set.files, downloads) {
                guard let now = try connection.stat(file.path), now.size == file.info.size,
                    now.modified == file.info.modified, download.bytes == file.info.size
                else {
                    throw RunnerFailure.notReady("\(file.path) changed during the download; will retry")
                }
            }
            var request = SyncRequest(
                directory: directory.id, usersPath: downloads[0].localPath,
                groupsPath: zip(set.files, downloads).first { $0.0.role == "groups" }?.1.localPath,
                catalogPath: zip(set.files, downloads).first { $0.0.role == "catalog" }?.1.localPath,
                attributes: directory.attributes, removalGuard: directory.removalGuard, rejectLimit: directory.rejectLimit,
                dryRun: dryRun, command: "sync")
            request.remoteStats = Dictionary(
                uniqueKeysWithValues: set.files.map {
                    ($0.role, RemoteStat(size: Int64($0.info.size), modified: $0.info.modified.timeIntervalSince1970))
                })
            // Hashed while streaming; the run does not read the files a second time to fingerprint them.
            request.knownDigests = Dictionary(
                uniqueKeysWithValues: zip(set.files, downloads).map {
                    ($0.0.role, KnownDigest(bytes: Int64($0.1.bytes), sha256: $0.1.sha256))
                })
            var report: SyncReport
            do {
                report = try sync.run(request, context: context)
            } catch let error as ValidationError {
                if !dryRun { PostProcessor(directory: directory, logger: logger).quarantine(set, on: connection) }
                throw error
            }
            if report.outcome == .held, let runID = context.id {
                // The held files stay until the plan is approved, discarded or superseded.
                try HeldFiles(staging: staging).keep(staged, runID: runID, store: store)
                staged = []
            }
            if !dryRun && (report.outcome == .applied || report.outcome == .unchanged) {
                PostProcessor(directory: directory, logger: logger).finish(set, on: connection)
                if !configuration.keepStaged { StagingArea.remove(staged) }
            }
            HeldFiles(staging: staging).removeResolved(store: store)
            return Self.outcome(of: report, directory: directory.id)
        } catch {
            let outcome = Self.outcome(of: error, directory: directory.id)
            // Files this run downloaded but did not apply (a sibling failed, or one changed on the server) are
            // never used: the next run downloads its own generation.
            StagingArea.remove(staged)
            StagingArea.removePartials(in: staging)
            return outcome
        }
    }

    /// Whether size and mtime can stand for the content. SFTP mtimes have whole seconds, so a file
    /// rewritten within the second it was fetched, at the same length, would look unchanged. A
    /// marker file, a settle window of a second or more (two stats a second apart on the server's
    /// clock), or a min_age of two seconds or more rules that out; without any, the files are
    /// always downloaded and compared by SHA-256.
    var statSkipIsSafe: Bool {
        directory.doneFile != nil || directory.settle >= .seconds(1) || directory.minAge >= .seconds(2)
    }

    /// When size and mtime of every file equal the last applied run's, the download is skipped.
    private func skipByStat(_ set: RemoteFileSet, sync: DirectorySync, context: RunContext) throws -> DirectoryOutcome? {
        guard directory.skipUnchangedByStat, statSkipIsSafe, !dryRun,
            let last = try sync.lastApplied(directory: directory.id),
            last.attributes == directory.attributes.description, last.files.count == set.files.count
        else { return nil }
        for file in set.files {
            guard let previous = last.files.first(where: { $0.role == file.role }),
                previous.remoteSize == Int64(file.info.size),
                previous.remoteModified == file.info.modified.timeIntervalSince1970
            else { return nil }
        }
        for file in set.files {
            context.logger.info(
                "remote file unchanged since the last applied run",
                metadata: ["event": "file.unchanged", "file": "\(file.path)", "bytes": .stringConvertible(file.info.size)])
        }
        try sync.recordUnchanged(
            context: context, attributes: directory.attributes, files: last.files,
            message: "remote files unchanged (same size and mtime); not downloaded")
        return DirectoryOutcome(
            directory: directory.id, kind: .unchanged, exitCode: 0,
            message: "the remote files have the same size and mtime as the last applied run; nothing downloaded")
    }

}

extension ContinuousClock.Instant {
    /// Milliseconds from this instant until now.
    var milliseconds: Int64 {
        let elapsed = ContinuousClock.now - self
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }
}
