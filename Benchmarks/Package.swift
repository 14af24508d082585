// swift-tools-version:6.1
import PackageDescription

// Benchmarks drive the release binary of the main package through its pipes, as a parent does.
// Build the service first: `swift build -c release` in the repository root.
let package = Package(
    name: "toba-bench",
    platforms: [.macOS(.v14)],
    targets: [
        .executableTarget(name: "toba-bench"),
    ]
)
