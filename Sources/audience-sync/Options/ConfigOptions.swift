import ArgumentParser
import AudienceRunner
import Foundation
import Logging

/// `--config FILE`, shared by the commands that read the YAML configuration.
struct ConfigOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The YAML configuration file (see deploy/audience-sync.example.yaml).", valueName: "file"))
    var config: String

    /// Loads and validates the file, including private key permissions.
    ///
    /// - Throws: `ConfigurationError` (exit 78, 77 for key permissions, 66 when missing).
    func load(checkKeys: Bool = true) throws -> RunnerConfiguration {
        let configuration = try RunnerConfiguration.load(path: config)
        if checkKeys { try configuration.checkKeyPermissions() }
        return configuration
    }

    /// The directories to run: all, or the one named by `--directory`.
    func select(_ id: String?, from configuration: RunnerConfiguration) throws -> [DirectoryConfiguration] {
        guard let id else { return configuration.directories }
        guard let directory = configuration.directory(id: id) else {
            let known = configuration.directories.map(\.id).joined(separator: ", ")
            throw ExitStatus.fail(ConfigurationLookupError(message: "\(config): no directory '\(id)' (configured: \(known))."))
        }
        return [directory]
    }
}

/// `--directory` names no configured directory (exit 78).
struct ConfigurationLookupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
