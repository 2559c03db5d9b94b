import ArgumentParser

/// The `audience-sync` command: keeps newsletter audiences in step with directory exports.
@main
struct AudienceSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audience-sync",
        abstract: "Keep a newsletter audience in step with an organization's directory exports.",
        discussion: ExitStatus.helpText,
        subcommands: [
            SyncCommand.self, WatchCommand.self, ImportCommand.self, ValidateCommand.self, ExportCommand.self,
            ListCommand.self, HistoryCommand.self, HostKeyCommand.self, CheckConfigCommand.self, FetchCommand.self,
        ]
    )
}
