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

    func run() async throws {
        let logger = try options.makeLogger()
        let settings = try options.loadSettings()
        let lineLimit = try resolvedMaxLineBytes()
        let database: AppDatabase
        do {
            database = try AppDatabase.open(path: options.databasePath, durability: settings.durability)
        } catch {
            throw StartupFailure("cannot open the database \(options.databasePath): \(error)")
        }
        let secretKey: SecretKey
        do {
            secretKey = try options.secretKeyPath.map(SecretKey.loadOrCreate(path:)) ?? SecretKey.generate()
        } catch {
            throw StartupFailure("\(error)")
        }
        let services = await Services(
            database: database, settings: settings, clock: ServiceClock(), secretKey: secretKey, logger: logger)
        let server = Server(
            services: services,
            maxLineBytes: lineLimit,
            allowTestClock: allowTestClock || CommonOptions.flag("TOBA_ALLOW_TEST_CLOCK"))
        try await server.run()
    }

    private func resolvedMaxLineBytes() throws -> Int {
        if let maxLineBytes {
            guard maxLineBytes >= 64 else { throw ValidationError("--max-line-bytes must be at least 64") }
            return maxLineBytes
        }
        guard let text = CommonOptions.environment["TOBA_MAX_LINE_BYTES"] else { return 1_048_576 }
        guard let value = Int(text), value >= 64 else {
            throw ValidationError("TOBA_MAX_LINE_BYTES must be an integer of at least 64 (got \(text))")
        }
        return value
    }
}
