import ArgumentParser
import Foundation
import TobaDomain
import TobaRPC
import TobaStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve JSON-RPC on stdin/stdout until EOF, SIGTERM or SIGINT (the default).")

    @OptionGroup var options: CommonOptions

    @Option(name: .long, help: "The longest accepted line in bytes. [env: TOBA_MAX_LINE_BYTES] (default: 1048576)")
    var maxLineBytes: Int?

    @Flag(name: .long, help: "Enable system.clock.set/advance (for tests). [env: TOBA_ALLOW_TEST_CLOCK]")
    var allowTestClock = false

    @Option(name: .long, help: ArgumentHelp(
        "Delay each request's preparation by a random 0…N µs (with --allow-test-clock; for ordering tests). [env: TOBA_TEST_PREPARE_JITTER_US]",
        visibility: .hidden))
    var testPrepareJitterUs: Int?

    func run() async throws {
        let logger = try options.makeLogger()
        let shutdown = ShutdownSwitch()
        let signals = ShutdownSignals(triggering: shutdown, logger: logger)
        defer { signals.cancel() }
        let settings = try options.loadSettings()
        let lineLimit = try resolvedMaxLineBytes()
        let testClock = try allowTestClock || CommonOptions.flag("TOBA_ALLOW_TEST_CLOCK")
        let jitter = testPrepareJitterUs ?? CommonOptions.environment["TOBA_TEST_PREPARE_JITTER_US"].flatMap { Int($0) } ?? 0
        guard jitter == 0 || (testClock && jitter > 0 && jitter <= 10_000_000) else {
            throw ValidationError("--test-prepare-jitter-us needs --allow-test-clock and a value in 1...10000000")
        }
        // Checked before the database opens: a PostgreSQL fleet must name its shared key file.
        let secretKeyPath = try options.secretKeyPath()
        let database = try options.openDatabase(settings, logger: logger)
        let secretKey: SecretKey
        do {
            secretKey = try secretKeyPath.map(SecretKey.loadOrCreate(path:)) ?? SecretKey.generate()
        } catch {
            throw StartupFailure("\(error)")
        }
        let services = await Services(
            database: database, settings: settings, clock: ServiceClock(), secretKey: secretKey, logger: logger)
        let server = Server(
            services: services,
            maxLineBytes: lineLimit,
            allowTestClock: testClock,
            prepareJitterMicros: jitter,
            shutdown: shutdown)
        try await server.run()
    }

    /// Any positive number of bytes: the operator chooses; a line over it is answered `too_large`.
    private func resolvedMaxLineBytes() throws -> Int {
        if let maxLineBytes {
            guard maxLineBytes >= 1 else { throw ValidationError("--max-line-bytes must be a positive integer (got \(maxLineBytes))") }
            return maxLineBytes
        }
        guard let text = CommonOptions.environment["TOBA_MAX_LINE_BYTES"] else { return 1_048_576 }
        guard let value = Int(text), value >= 1 else {
            throw ValidationError("TOBA_MAX_LINE_BYTES must be a positive integer (got \(text))")
        }
        return value
    }
}
