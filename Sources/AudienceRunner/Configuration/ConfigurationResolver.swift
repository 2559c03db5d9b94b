import AudienceCore
import AudienceSFTP
import Foundation
import Logging
import Yams

/// Turns the file as written into ``RunnerConfiguration``: fills defaults, resolves paths, checks every rule.
struct ConfigurationResolver {
    /// The absolute path of the configuration file.
    var file: String
    var root: Node
    var environment: [String: String]

    var baseDirectory: String { ConfigurationPaths.directory(of: file) }

    func resolve(_ raw: ConfigurationFile) throws(ConfigurationError) -> RunnerConfiguration {
        let top = ConfigurationKeyPath.root
        let database = try localPath(raw.database, at: top.appending("database"))
        let staging = try localPath(raw.stagingDir, at: top.appending("staging_dir"))
        var metrics: String?
        if let value = raw.metricsFile { metrics = try localPath(value, at: top.appending("metrics_file")) }
        let keepRuns = raw.keepRuns ?? RunnerConfiguration.defaultKeepRuns
        guard keepRuns >= 1 else {
            throw invalid(top.appending("keep_runs"), "\(keepRuns)", "keep at least 1 run")
        }
        var logFormat = LogFormat.text
        if let value = raw.logFormat {
            guard let format = LogFormat(rawValue: value.lowercased()) else {
                throw invalid(top.appending("log_format"), value, "expected text or json")
            }
            logFormat = format
        }
        var logLevel = Logger.Level.info
        if let value = raw.logLevel {
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw invalid(top.appending("log_level"), value, "expected one of \(names)")
            }
            logLevel = level
        }
        var defaults = Tuning()
        if let section = raw.defaults { defaults = try tuning(section, at: top.appending("defaults"), over: defaults) }

        let list = top.appending("directories")
        guard let sections = raw.directories, !sections.isEmpty else {
            throw .noDirectories(file: file, line: line(list))
        }
        var directories: [DirectoryConfiguration] = []
        var firstUse: [String: ConfigurationKeyPath] = [:]
        for (index, section) in sections.enumerated() {
            let path = list.appending(index: index)
            let directory = try self.directory(section, at: path, defaults: defaults)
            if let first = firstUse[directory.id] {
                throw .duplicateDirectoryID(
                    file: file, path: path.appending("id").description, line: line(path.appending("id")),
                    id: directory.id, firstPath: first.description)
            }
            firstUse[directory.id] = path
            directories.append(directory)
        }
        var configuration = RunnerConfiguration(
            configurationFile: file, databasePath: database, stagingDirectory: staging, metricsFile: metrics,
            keepRuns: keepRuns, logFormat: logFormat, logLevel: logLevel, directories: directories)
        configuration.keepStaged = raw.keepStaged ?? false
        return configuration
    }

    // MARK: - Errors

    func line(_ path: ConfigurationKeyPath) -> Int? { root.locate(path).line }

    func invalid(_ path: ConfigurationKeyPath, _ value: String, _ reason: String) -> ConfigurationError {
        .invalidValue(file: file, path: path.description, line: line(path), value: value, reason: reason)
    }

    // MARK: - Paths

    /// A local path: absolute, relative to the configuration file, or (where `credential` allows it)
    /// `credential:NAME`, meaning `$CREDENTIALS_DIRECTORY/NAME` as systemd's `LoadCredential=` provides.
    func localPath(
        _ value: String, at path: ConfigurationKeyPath, credential: Bool = false
    ) throws(ConfigurationError) -> String {
        guard !value.isEmpty else { throw .missingValue(file: file, path: path.description, line: line(path)) }
        if value.hasPrefix("credential:") {
            guard credential else {
                throw invalid(path, value, "credential:NAME is accepted only for private_key and passphrase_file")
            }
            let name = String(value.dropFirst("credential:".count))
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw invalid(path, value, "a credential name is a plain file name, as in LoadCredential=NAME:/path")
            }
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                throw .credentialsDirectoryUnset(file: file, path: path.description, line: line(path), name: name)
            }
            return ConfigurationPaths.resolve(name, against: directory)
        }
        if value.hasPrefix("~") {
            throw invalid(path, value, "'~' is not expanded (a service has no home directory); write the full path")
        }
        return ConfigurationPaths.resolve(value, against: baseDirectory)
    }

    /// A non-empty value, as a file name or remote path.
    func required(_ value: String, at path: ConfigurationKeyPath) throws(ConfigurationError) -> String {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .missingValue(file: file, path: path.description, line: line(path))
        }
        return value
    }
}
