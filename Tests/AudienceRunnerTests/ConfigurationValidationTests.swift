import Testing

@testable import AudienceRunner

/// A configuration that must be refused, and the message (after `file:line: `) it must be refused with.
struct RefusedConfiguration: Sendable, CustomTestStringConvertible {
    var yaml: String
    var message: String
    var line: Int?

    init(_ message: String, line: Int? = nil, top: [String] = [], directory: [String] = [], sftp: [String] = []) {
        self.yaml = ConfigFixture.yaml(top: top, directory: directory, sftp: sftp)
        self.message = message
        self.line = line
    }

    init(_ message: String, line: Int? = nil, yaml: String) {
        self.yaml = yaml
        self.message = message
        self.line = line
    }

    var testDescription: String { message }
}

struct ConfigurationValidationTests {
    static let twoDirectories = """
        database: db
        staging_dir: staging
        directories:
          - id: acme
            sftp: {host: a, username: u, private_key: k, known_hosts: kh, remote_dir: /in}
          - id: acme
            sftp: {host: b, username: u, private_key: k, known_hosts: kh, remote_dir: /in}
        """

    static let refused: [RefusedConfiguration] = [
        .init(
            "directories: at least one directory is required.", line: 3,
            yaml: "database: d\nstaging_dir: s\ndirectories: []\n"),
        .init("directories: at least one directory is required.", yaml: "database: d\nstaging_dir: s\n"),
        .init(
            "directories[1].id: id 'acme' is already used by directories[0]; ids must be unique.", line: 6,
            yaml: twoDirectories),
        .init(
            "directories[0].id: invalid value '': an id is one or more of A-Z, a-z, 0-9, '.', '_' and '-'.", line: 4,
            yaml: ConfigFixture.yaml().replacingOccurrences(of: "id: acme", with: "id: ''")),
        .init(
            "directories[0].id: invalid value 'acme corp': an id is one or more of A-Z, a-z, 0-9, '.', '_' and '-'.",
            yaml: ConfigFixture.yaml().replacingOccurrences(of: "id: acme", with: "id: acme corp")),
        .init(
            "directories[0].id: invalid value '..': an id is one or more of A-Z, a-z, 0-9, '.', '_' and '-'.",
            yaml: ConfigFixture.yaml().replacingOccurrences(of: "id: acme", with: "id: '..'")),
        .init("directories[0].sftp.port: invalid value '0': a port is 1 to 65535.", line: 11, sftp: ["port: 0"]),
        .init("directories[0].sftp.port: invalid value '65536': a port is 1 to 65535.", sftp: ["port: 65536"]),
        .init("directories[0].sftp.port: invalid value '-22': a port is 1 to 65535.", sftp: ["port: -22"]),
        .init(
            "directories[0].settle: invalid value '-5s': a duration cannot be negative.", line: 11,
            directory: ["settle: -5s"]),
        .init(
            "directories[0].min_age: invalid value '5 minutes': expected a number followed by ms, s, m or h, "
                + "e.g. 15s, 2m, 1h30m, 500ms.", directory: ["min_age: 5 minutes"]),
        .init("directories[0].interval: invalid value '0': it must be longer than 0.", directory: ["interval: 0"]),
        .init(
            "directories[0].connect_timeout: invalid value '0s': it must be longer than 0.",
            directory: ["connect_timeout: 0s"]),
        .init(
            "directories[0].deadline: invalid value '-1': a duration cannot be negative.", directory: ["deadline: -1"]),
        .init(
            "defaults.operation_timeout: invalid value 'soon': expected a number followed by ms, s, m or h, "
                + "e.g. 15s, 2m, 1h30m, 500ms.", line: 4, top: ["defaults:", "  operation_timeout: soon"]),
        .init(
            "directories[0].sftp: archive_dir and delete_after_apply cannot both be set; choose one.", line: 11,
            sftp: ["archive_dir: /upload/archive", "delete_after_apply: true"]),
        .init(
            "directories[0].sftp.archive_dir: invalid value '/upload/': it must be a folder other than remote_dir.",
            sftp: ["archive_dir: /upload/"]),
        .init(
            "directories[0].sftp.error_dir: invalid value '.': it must be a folder other than remote_dir.",
            sftp: ["error_dir: ."]),
        .init(
            "directories[0].max_removal_percent: invalid value '101': a percentage is 0 to 100.",
            directory: ["max_removal_percent: 101"]),
        .init(
            "directories[0].max_rejected_percent: invalid value '-1': a percentage is 0 to 100.",
            directory: ["max_rejected_percent: -1"]),
        .init(
            "defaults.max_rejected_percent: invalid value '100.5': a percentage is 0 to 100.",
            top: ["defaults:", "  max_rejected_percent: 100.5"]),
        .init(
            "directories[0].max_removals: invalid value '-1': it cannot be negative.", directory: ["max_removals: -1"]),
        .init(
            "directories[0].max_file_size: invalid value '0': the size must be at least 1 byte.",
            directory: ["max_file_size: 0"]),
        .init(
            "directories[0].max_file_size: invalid value '2 gigs': unknown unit 'gigs'; use B, KiB, MiB, GiB, TiB, "
                + "KB, MB, GB or TB.", directory: ["max_file_size: 2 gigs"]),
        .init(
            "directories[0].sftp.host_key_policy: invalid value 'yes': expected strict or accept-new.",
            sftp: ["host_key_policy: 'yes'"]),
        .init(
            "directories[0].attributes: invalid value 'job_titel': unknown attribute 'job_titel' "
                + "(did you mean 'job_title'?).", directory: ["attributes: [job_titel]"]),
        .init("log_format: invalid value 'xml': expected text or json.", line: 3, top: ["log_format: xml"]),
        .init(
            "log_level: invalid value 'verbose': expected one of trace, debug, info, notice, warning, error, critical.",
            top: ["log_level: verbose"]),
        .init("keep_runs: invalid value '0': keep at least 1 run.", top: ["keep_runs: 0"]),
        .init("directories[0].sftp.done_file: a value is required.", sftp: ["done_file: ''"]),
        .init(
            "directories[0].sftp.host: a value is required.", line: 6,
            yaml: ConfigFixture.yaml().replacingOccurrences(of: "host: sftp.example.com", with: "host:")),
        .init("metrics_file: a value is required.", top: ["metrics_file: ''"]),
    ]

    @Test(arguments: refused)
    func validationRulesNameTheKeyAndTheRule(_ example: RefusedConfiguration) throws {
        let error = try #require(ConfigFixture.error(example.yaml))
        #expect(error.description.hasPrefix("/etc/audience-sync/config.yaml"))
        #expect(error.description.hasSuffix(": " + example.message))
        if let line = example.line {
            #expect(error.description == "/etc/audience-sync/config.yaml:\(line): " + example.message)
        }
        #expect(error.exitCode == 78)
    }

    static let unknownKeys: [RefusedConfiguration] = [
        .init("databse: unknown key (did you mean 'database'?).", line: 3, top: ["databse: x"]),
        .init("stagingDir: unknown key (did you mean 'staging_dir'?).", top: ["stagingDir: x"]),
        .init("defaults.setle: unknown key (did you mean 'settle'?).", line: 4, top: ["defaults:", "  setle: 5s"]),
        .init(
            "directories[0].intervall: unknown key (did you mean 'interval'?).", line: 11,
            directory: ["intervall: 5m"]),
        .init("directories[0].sftp.hots: unknown key (did you mean 'host'?).", line: 11, sftp: ["hots: x"]),
        .init("directories[0].sftp.remote-dir: unknown key (did you mean 'remote_dir'?).", sftp: ["remote-dir: x"]),
        .init(
            "directories[0].sftp.colour: unknown key (known keys: host, port, username, private_key, "
                + "passphrase_file, known_hosts, host_key_policy, remote_dir, users_file, groups_file, "
                + "groups_catalog_file, done_file, archive_dir, delete_after_apply, error_dir, "
                + "skip_unchanged_by_stat).", sftp: ["colour: blue"]),
        .init(
            "directories[0].port: unknown key (known keys: id, sftp, attributes, settle, min_age, interval, "
                + "connect_timeout, operation_timeout, deadline, max_file_size, max_removals, max_removal_percent, "
                + "max_rejected_percent, allow_mass_removal).", directory: ["port: 22"]),
    ]

    @Test(arguments: unknownKeys)
    func unknownKeysAreRefusedWithTheirPathAndASuggestion(_ example: RefusedConfiguration) throws {
        let error = try #require(ConfigFixture.error(example.yaml))
        guard case .unknownKey = error else {
            Issue.record("expected an unknown key, got \(error)")
            return
        }
        #expect(error.description.hasSuffix(": " + example.message))
        if let line = example.line {
            #expect(error.description == "/etc/audience-sync/config.yaml:\(line): " + example.message)
        }
    }

    @Test func sftpKeysCannotBeInherited() throws {
        let error = try #require(ConfigFixture.error(ConfigFixture.yaml(top: ["defaults:", "  sftp: {port: 2222}"])))
        #expect(
            error.description.hasPrefix("/etc/audience-sync/config.yaml:4: defaults.sftp: unknown key (known keys: "))
    }

    @Test(arguments: [
        ConfigFixture.yaml(sftp: ["passphrase: hunter2"]), ConfigFixture.yaml(top: ["passphrase: hunter2"]),
        ConfigFixture.yaml(directory: ["Passphrase: hunter2"]),
    ])
    func aPassphraseValueIsRefusedWithAPointerToPassphraseFile(yaml: String) throws {
        let error = try #require(ConfigFixture.error(yaml))
        guard case .plainPassphrase = error else {
            Issue.record("expected the passphrase error, got \(error)")
            return
        }
        #expect(error.description.hasSuffix("put the passphrase in a file and name it with passphrase_file."))
        #expect(!error.description.contains("hunter2"))
        #expect(error.exitCode == 78)
    }

    @Test func thePassphraseMessageNamesTheLine() {
        let error = ConfigFixture.error(ConfigFixture.yaml(sftp: ["passphrase: hunter2"]))
        #expect(
            error?.description
                == "/etc/audience-sync/config.yaml:11: directories[0].sftp.passphrase: the configuration file never "
                + "holds secrets; put the passphrase in a file and name it with passphrase_file.")
    }

    static let wrongTypes: [RefusedConfiguration] = [
        .init(
            "directories[0].sftp.port: expected a whole number, found 'twenty-two'.", line: 11,
            sftp: ["port: twenty-two"]),
        .init(
            "directories[0].sftp.delete_after_apply: expected true or false, found 'maybe'.",
            sftp: ["delete_after_apply: maybe"]),
        .init(
            "directories[0].max_removal_percent: expected a number, found 'ten'.",
            directory: ["max_removal_percent: ten"]),
        .init(
            "directories[0].attributes: expected all, none or a list of attribute names, found a mapping.",
            directory: ["attributes: {city: true}"]),
        .init("directories[0].settle: expected a single value, found a list.", directory: ["settle: [1, 2]"]),
        .init("defaults: expected a mapping of keys, found 'fast'.", line: 3, top: ["defaults: fast"]),
        .init(
            "directories: expected a list, found 'acme'.", line: 1,
            yaml: "directories: acme\ndatabase: d\nstaging_dir: s\n"),
        .init(
            "directories[0].sftp: a value is required.", line: 3,
            yaml: "directories:\n  - id: acme\n    sftp:\ndatabase: d\nstaging_dir: s\n"),
        .init("(top level): expected a mapping of keys, found 'hello'.", yaml: "hello\n"),
    ]

    @Test(arguments: wrongTypes)
    func typeErrorsNameThePathAndWhatWasFound(_ example: RefusedConfiguration) throws {
        let error = try #require(ConfigFixture.error(example.yaml))
        #expect(error.description.hasSuffix(": " + example.message))
        if let line = example.line {
            #expect(error.description == "/etc/audience-sync/config.yaml:\(line): " + example.message)
        }
        #expect(error.exitCode == 78)
    }

    static let missingKeys: [RefusedConfiguration] = [
        .init("database: required key is missing.", line: 1, yaml: "staging_dir: s\ndirectories: []\n"),
        .init("staging_dir: required key is missing.", yaml: "database: d\n"),
        .init(
            "directories[0].sftp.host: required key is missing.", line: 5,
            yaml: ConfigFixture.yaml().replacingOccurrences(of: "      host: sftp.example.com\n", with: "")),
        .init(
            "directories[0].sftp.known_hosts: required key is missing.",
            yaml: ConfigFixture.yaml().replacingOccurrences(
                of: "      known_hosts: /etc/audience-sync/known_hosts\n", with: "")),
        .init(
            "directories[0].sftp.remote_dir: required key is missing.",
            yaml: ConfigFixture.yaml().replacingOccurrences(of: "      remote_dir: /upload\n", with: "")),
        .init(
            "directories[0].id: required key is missing.", line: 4,
            yaml: ConfigFixture.yaml().replacingOccurrences(of: "  - id: acme\n    sftp:", with: "  - sftp:")),
    ]

    @Test(arguments: missingKeys)
    func missingKeysNameThePathAndTheEnclosingLine(_ example: RefusedConfiguration) throws {
        let error = try #require(ConfigFixture.error(example.yaml))
        guard case .missingKey = error else {
            Issue.record("expected a missing key, got \(error)")
            return
        }
        #expect(error.description.hasSuffix(": " + example.message))
        if let line = example.line {
            #expect(error.description == "/etc/audience-sync/config.yaml:\(line): " + example.message)
        }
    }

    @Test func malformedYAMLNamesTheLineAndColumn() throws {
        let error = try #require(ConfigFixture.error("database: d\nstaging_dir: [unclosed\ndirectories: []\n"))
        guard case .syntax(let file, let line, _, _) = error else {
            Issue.record("expected a syntax error, got \(error)")
            return
        }
        #expect(file == ConfigFixture.path)
        #expect(line != nil)
        #expect(error.description.contains("invalid YAML"))
        #expect(error.exitCode == 78)
    }

    @Test func duplicateKeysAreRefused() throws {
        let error = try #require(ConfigFixture.error("database: a\ndatabase: b\nstaging_dir: s\n"))
        guard case .duplicateKey(_, _, let keys) = error else {
            Issue.record("expected a duplicate key, got \(error)")
            return
        }
        #expect(keys == ["database"])
        #expect(error.description.contains("key 'database' appears more than once in the same mapping."))
    }

    @Test(arguments: ["", "# only a comment\n"])
    func anEmptyFileIsRefused(yaml: String) {
        let error = ConfigFixture.error(yaml)
        #expect(error?.description == "/etc/audience-sync/config.yaml: invalid YAML: the file is empty.")
    }

    @Test func aMissingFileExits66() throws {
        let folder = try ConfigTempFolder()
        let file = folder.path + "/absent.yaml"
        #expect(throws: ConfigurationError.fileNotFound(file: file)) {
            try RunnerConfiguration.load(path: file, environment: [:])
        }
        #expect(ConfigurationError.fileNotFound(file: file).exitCode == 66)
        #expect(ConfigurationError.fileNotFound(file: file).description == "\(file): no such configuration file.")
    }

    @Test func aDirectoryIsNotAConfigurationFile() throws {
        let folder = try ConfigTempFolder()
        #expect(throws: ConfigurationError.unreadable(file: folder.path, reason: "it is a directory")) {
            try RunnerConfiguration.load(path: folder.path, environment: [:])
        }
        #expect(ConfigurationError.unreadable(file: folder.path, reason: "x").exitCode == 78)
    }
}
