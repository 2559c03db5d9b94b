// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "audience-sync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "audience-sync", targets: ["audience-sync"]),
        .library(name: "AudienceCore", targets: ["AudienceCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Tier 1: C shims (module.modulemap + shim.h only).
        .systemLibrary(name: "CLibSSH", pkgConfig: "libssh", providers: [.apt(["libssh-dev"])]),
        // glibc's sync_file_range, which Swift's Glibc module does not declare (it needs _GNU_SOURCE).
        .systemLibrary(name: "CWriteBehind"),

        // Tier 2: libraries that hold all the logic.
        .target(name: "AudienceCSV"),
        .target(
            name: "AudienceCore",
            dependencies: [
                "AudienceCSV",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The raw C API, for the bulk writer's hot loop (binds straight from the CSV buffer).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "AudienceSFTP",
            dependencies: [
                "CLibSSH",
                "CWriteBehind",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        .target(
            name: "AudienceRunner",
            dependencies: [
                "AudienceCore",
                "AudienceSFTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Renders the metrics file (Prometheus text format for node_exporter's textfile collector).
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        // Tier 3: the thin command-line executable.
        .executableTarget(
            name: "audience-sync",
            dependencies: [
                "AudienceCore",
                "AudienceSFTP",
                "AudienceRunner",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // Test-only helpers shared by the test targets: a real OpenSSH sshd on 127.0.0.1.
        .target(name: "SSHTestSupport", path: "Tests/SSHTestSupport"),

        .testTarget(name: "AudienceCSVTests", dependencies: ["AudienceCSV"]),
        .testTarget(
            name: "AudienceCoreTests",
            dependencies: [
                "AudienceCore", "AudienceCSV", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AudienceSFTPTests",
            dependencies: ["AudienceSFTP", "SSHTestSupport", .product(name: "Logging", package: "swift-log")],
            exclude: ["Support/fake_sftp_server.py"]),
        .testTarget(
            name: "AudienceRunnerTests", dependencies: ["AudienceRunner", "AudienceCore", "AudienceSFTP", "SSHTestSupport"]),
        // Runs the built binary: depending on the executable makes `swift build --build-tests` build it. GRDB
        // opens the database files a killed run left behind (integrity checks, crash tests); AudienceCore: the
        // status tests hold the real RunLock in the test process.
        .testTarget(
            name: "CommandTests",
            dependencies: [
                "audience-sync", "AudienceCore", "SSHTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)
