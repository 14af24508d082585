import Foundation
import Synchronization
import TobaRPC

extension Sidecar {
    /// What a run of the binary to completion left behind.
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// A fresh private directory under the system's temporary directory. The first call of a test
    /// run removes the directories earlier runs left there more than an hour ago.
    static func makeDirectory() throws -> URL {
        _ = sweptStaleDirectories
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("toba-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    private static let sweptStaleDirectories: Void = {
        let temporary = FileManager.default.temporaryDirectory
        let cutoff = Date().addingTimeInterval(-3600)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix("toba-e2e-") {
            let url = temporary.appendingPathComponent(name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
            if let modified, modified < cutoff { try? FileManager.default.removeItem(at: url) }
        }
    }()

    /// Runs the binary with `arguments` until it exits, feeding it `stdin` and then EOF.
    /// The environment is the test's without any `TOBA_` variable, plus `environment`.
    static func run(
        _ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:],
        directory: URL? = nil, timeout: TimeInterval = 60
    ) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TOBA_") }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = try directory ?? makeDirectory()
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let collected = Mutex<(out: Data?, err: Data?)>((nil, nil))
        Thread.detachNewThread {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            collected.withLock { $0.out = data }
        }
        Thread.detachNewThread {
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            collected.withLock { $0.err = data }
        }
        if !stdin.isEmpty { try? input.fileHandleForWriting.write(contentsOf: stdin) }
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning || collected.withLock({ $0.out == nil || $0.err == nil }) {
            guard Date() < deadline else {
                if process.isRunning { process.terminate() }
                throw TimedOut(what: "exit of toba-register \(arguments.joined(separator: " "))", stderr: "")
            }
            usleep(5_000)
        }
        let (out, err) = collected.withLock { ($0.out ?? Data(), $0.err ?? Data()) }
        return Run(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                   stderr: String(decoding: err, as: UTF8.self))
    }

    /// Writes `text` to a file in `directory` and returns its path.
    static func writeFile(_ text: String, named name: String, in directory: URL) throws -> String {
        let file = directory.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    // MARK: Test clock (needs --allow-test-clock)

    /// Freezes the service clock at `instant` (RFC 3339).
    func setClock(_ instant: String) throws {
        _ = try result("system.clock.set", ["now": .string(instant)])
    }

    /// Moves the frozen service clock forward; returns the new `now`.
    @discardableResult
    func advanceClock(seconds: Int64) throws -> String {
        try result("system.clock.advance", ["seconds": .number(JSONNumber(seconds))])["now"]?.stringValue ?? ""
    }

    // MARK: Raw output

    /// Every stdout line parsed; fails on a line that is not one JSON text.
    func parsedLines() throws -> [JSONValue] {
        try lines.map { line in
            do { return try JSONParser.parse(Array(line.utf8)) } catch {
                throw NotJSON(line: line)
            }
        }
    }

    /// The responses (single ones and batch members) whose id is `id`, across all output so far.
    func responses(withID id: JSONValue) throws -> [JSONValue] {
        try parsedLines().flatMap { value -> [JSONValue] in value.arrayValue ?? [value] }.filter { $0["id"] == id }
    }

    struct NotJSON: Error, CustomStringConvertible {
        let line: String
        var description: String { "stdout line is not JSON: \(line.prefix(300))" }
    }
}

extension JSONValue {
    /// The value with every object's keys sorted, so that two documents that differ only in key
    /// order compare equal.
    var canonical: JSONValue {
        switch self {
        case .array(let items): return .array(items.map(\.canonical))
        case .object(let object):
            let pairs = object.keys.sorted().map { ($0, object[$0]!.canonical) }
            return .object(JSONObject(pairs))
        default: return self
        }
    }

    var errorCode: Int64? { self["error"]?["code"]?.int64Value }
    var errorReason: String? { self["error"]?["data"]?["reason"]?.stringValue }
}

/// A deterministic generator (SplitMix64) for fuzz inputs that are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
