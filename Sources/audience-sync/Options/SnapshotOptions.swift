import ArgumentParser
import AudienceCore

/// The export's files and how to read them, shared by `import` and `validate`.
struct SnapshotOptions: ParsableArguments {
    @Option(help: ArgumentHelp("users.csv: one row per person (required).", valueName: "file"))
    var users: String

    @Option(help: ArgumentHelp("user_groups.csv: user_id,group_name rows. Without it, memberships are left as they are.", valueName: "file"))
    var groups: String?

    @Option(name: .customLong("groups-catalog"), help: ArgumentHelp("groups.csv: groups that may have no members yet.", valueName: "file"))
    var groupsCatalog: String?

    @Option(
        help: ArgumentHelp(
            "Opt-in attributes to store: a comma-separated list (job_title,city,...), 'all' or 'none'. Default: none.",
            valueName: "list"))
    var attributes: String = "none"

    @Option(
        name: .customLong("max-rejected-percent"),
        help: ArgumentHelp(
            "Refuse the whole file when more than this percentage of its rows are rejected (and at least 10). Default: 5.",
            valueName: "percent"))
    var maxRejectedPercent: Double = 5

    func validate() throws {
        _ = try attributeSelection()
        guard maxRejectedPercent >= 0 && maxRejectedPercent <= 100 else {
            throw ArgumentParser.ValidationError("--max-rejected-percent must be between 0 and 100.")
        }
    }

    func attributeSelection() throws -> AttributeSelection {
        do { return try AttributeSelection(parsing: attributes) } catch {
            throw ArgumentParser.ValidationError(error.description)
        }
    }

    var rejectLimit: RejectLimit { RejectLimit(maxPercent: maxRejectedPercent) }
}
