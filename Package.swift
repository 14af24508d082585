// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // SE-0444: a member is visible only where its module is imported.
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// SE-0409: `import` is internal; a type another module's API shows needs `package import` or
/// `public import`. Every target but TobaStore, whose storage files (being reworked for
/// PostgreSQL) still show GRDB and Logging types through plain imports.
let internalImports: [SwiftSetting] = [.enableUpcomingFeature("InternalImportsByDefault")]

let package = Package(
    name: "toba-register",
    // No `platforms`: the service is built and tested on Linux only (README, "Platforms").
    products: [
        .executable(name: "toba-register", targets: ["toba-register"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // JSON-RPC 2.0 over stdio: framing, messages, the ordered pipeline. Knows no domain, no SQL.
        .target(
            name: "TobaRPC",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: strict + internalImports
        ),
        // Storage: one narrow interface with SQLite (GRDB) and PostgreSQL (PostgresNIO) behind it;
        // schema, migrations, seeds, dump import/export, the ordered writer with group commit.
        .target(
            name: "TobaStore",
            dependencies: [
                "TobaRPC",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict + internalImports
        ),
        // The business rules, one folder per domain.
        .target(
            name: "TobaDomain",
            dependencies: [
                "TobaStore",
                "TobaRPC",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict + internalImports,
            // Django's common-password list, embedded at build time (no generated Swift in git).
            plugins: ["EmbedText"]
        ),
        // The executable: CLI, settings, logging, signals, and the method table binding domains to JSON-RPC.
        .executableTarget(
            name: "toba-register",
            dependencies: [
                "TobaRPC", "TobaStore", "TobaDomain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict + internalImports,
            // protocol/openrpc.json (a link), embedded: the binary needs no file beside it.
            plugins: ["EmbedText"]
        ),
        // Text files into Swift string literals at build time (`EmbeddedText`): see Plugins/EmbedText.
        .executableTarget(name: "embed-text", path: "Sources/embed-text", swiftSettings: strict + internalImports),
        .plugin(name: "EmbedText", capability: .buildTool(), dependencies: ["embed-text"]),
        // What the in-process and end-to-end tests share: the PostgreSQL pass's server.
        .target(name: "TobaTestSupport", dependencies: ["TobaRPC"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "TobaRPCTests", dependencies: ["TobaRPC"], swiftSettings: strict + internalImports),
        .testTarget(
            name: "TobaStoreTests",
            dependencies: [
                "TobaStore", "TobaRPC", "TobaTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict + internalImports
        ),
        .testTarget(
            name: "TobaDomainTests",
            dependencies: [
                "TobaDomain", "TobaStore", "TobaRPC", "TobaTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict + internalImports
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "toba-register", "TobaRPC", "TobaTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict + internalImports
        ),
    ]
)
