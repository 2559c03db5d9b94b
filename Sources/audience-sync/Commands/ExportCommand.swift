import ArgumentParser
import AudienceCore
import Foundation

/// `audience-sync export`: print the effective audience.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print the effective audience: one row per distinct email (case-insensitive).",
        discussion: """
            CSV columns: email,first_name,last_name,groups,sources, sorted by lowercased email. groups \
            and sources are ';'-joined and sorted; sources are directory IDs and list:NAME entries. \
            Only active directory members and manual list recipients appear.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Only this directory's members (manual lists are left out).", valueName: "id"))
    var directory: String?

    @Option(help: ArgumentHelp("csv or json (one JSON object per line). Default: csv.", valueName: "format"))
    var format: OutputFormat = .csv

    func validate() throws {
        guard format != .text else { throw ArgumentParser.ValidationError("--format must be csv or json.") }
    }

    func run() async throws {
        try await withExitStatus {
            let store = try database.openStore(readOnly: true)
            var buffer = ""
            func flush(force: Bool = false) {
                if force || buffer.utf8.count > 1 << 16 {
                    FileHandle.standardOutput.write(Data(buffer.utf8))
                    buffer = ""
                }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            if format == .csv { buffer += "email,first_name,last_name,groups,sources\n" }
            try AudienceExporter(store: store).forEachRecipient(directory: directory) { recipient in
                if format == .csv {
                    buffer += [
                        recipient.email, recipient.firstName, recipient.lastName,
                        recipient.groups.joined(separator: ";"), recipient.sources.joined(separator: ";"),
                    ].map(csvField).joined(separator: ",") + "\n"
                } else {
                    buffer += String(decoding: try encoder.encode(recipient), as: UTF8.self) + "\n"
                }
                flush()
            }
            flush(force: true)
            return 0
        }
    }
}
