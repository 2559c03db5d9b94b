import ArgumentParser
import AudienceCore

/// `audience-sync list`: manually imported recipient lists.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Manage manually imported recipient lists (never touched by directory syncs).",
        subcommands: [Import.self, Delete.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a list (CSV: email required, first_name and last_name optional), replacing a list of that name.")

        @OptionGroup var database: DatabaseOptions

        @Option(help: ArgumentHelp("The list's name; it appears as list:NAME in export.", valueName: "name"))
        var name: String

        @Argument(help: ArgumentHelp("The CSV file.", valueName: "file"))
        var file: String

        func validate() throws {
            guard !name.isEmpty, !name.contains(";") else {
                throw ArgumentParser.ValidationError("--name must be non-empty and must not contain ';'.")
            }
        }

        func run() async throws {
            try await withExitStatus {
                try database.withLockedStore { store in
                    let result = try ManualLists(store: store).importList(name: name, path: file)
                    Output.line(
                        "list:\(result.name): \(result.recipients) recipients imported (\(result.replaced) replaced), "
                            + "\(result.rejections.count) rejected")
                    for rejection in result.rejections.entries { Output.line(rejection.description) }
                    return 0
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a list; directory members are untouched.")

        @OptionGroup var database: DatabaseOptions

        @Option(help: ArgumentHelp("The list's name.", valueName: "name"))
        var name: String

        func run() async throws {
            try await withExitStatus {
                try database.withLockedStore { store in
                    let count = try ManualLists(store: store).delete(name: name)
                    Output.line("list:\(name): deleted (\(count) recipients)")
                    return 0
                }
            }
        }
    }
}
