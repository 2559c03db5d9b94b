import ArgumentParser
import Foundation

/// The entry point: the database, staged downloads and reports hold personal data, so every
/// file the process creates is private (umask 077: files 0600, folders 0700).
@main
enum AudienceSyncMain {
    static func main() async {
        umask(0o077)
        await AudienceSyncCommand.main()
    }
}

/// The `audience-sync` command: keeps newsletter audiences in step with directory exports.
struct AudienceSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audience-sync",
        abstract: "Keep a newsletter audience in step with an organization's directory exports.",
        discussion: ExitStatus.helpText,
        subcommands: [
            SyncCommand.self, WatchCommand.self, ImportCommand.self, ValidateCommand.self, ExportCommand.self,
            ListCommand.self, HistoryCommand.self, StatusCommand.self, PlanCommand.self, ApproveCommand.self,
            DiscardCommand.self, HostKeyCommand.self, CheckConfigCommand.self, FetchCommand.self,
        ]
    )
}
