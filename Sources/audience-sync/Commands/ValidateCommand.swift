import ArgumentParser
import AudienceCore

/// `audience-sync validate`: check files without a database.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check export files without a database and print every problem.",
        discussion: """
            Exits 0 when every row is valid, 65 when a file is refused or any row is rejected, 66 when \
            a file is missing. Attributes default to 'all' here, so every present column is checked.
            """
    )

    @OptionGroup var snapshot: SnapshotOptions

    func run() async throws {
        try await withExitStatus {
            var selection = try snapshot.attributeSelection()
            if snapshot.attributes == "none" { selection = .all }
            let result = try SnapshotValidator(attributes: selection)
                .validate(usersPath: snapshot.users, groupsPath: snapshot.groups, catalogPath: snapshot.groupsCatalog)
            for warning in result.warnings { Output.warning(warning) }
            RunPrinter.rejections(result.rejections.entries, total: result.rejections.count)
            Output.line(
                "\(result.dataRows) users (\(result.active) active, \(result.inactive) inactive), "
                    + "\(result.membershipRows) memberships, \(result.rejections.count) rejected rows")
            if snapshot.rejectLimit.exceeded(rejected: result.rejections.count, rows: result.dataRows) {
                Output.error("too many rejected rows: an import of these files would be refused.")
            }
            return result.rejections.count == 0 ? 0 : 65
        }
    }
}
