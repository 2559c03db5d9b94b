import ArgumentParser

/// `--db PATH`, shared by every command that opens the audience database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("The audience database (SQLite); created if missing.", valueName: "path"))
    var path: String
}

/// Output format for commands that print data.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case csv
}
