import Dispatch
import Foundation
import Logging
import TobaDomain
import TobaRPC
import TobaStore

/// Wires the transport to the domains and runs until end of input, a signal or system.shutdown.
struct Server {
    let services: Services
    let maxLineBytes: Int
    let allowTestClock: Bool
    /// Test only (with the test clock): each preparation first waits a random 0…N µs.
    let prepareJitterMicros: Int
    /// Flipped by a signal (see `ShutdownSignals`) or by system.shutdown.
    let shutdown: ShutdownSwitch

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let logger = services.logger
        let output = StdoutWriter()
        let table = MethodCatalog.table(services: services, shutdown: shutdown, allowTestClock: allowTestClock)
        let pipeline = Pipeline<any SQLConnection>(
            table: table,
            executor: OrderedWriter<Outcome>(database: services.database, logger: logger),
            output: output,
            maxGroup: services.settings.groupCommitMaxSize,
            logger: logger,
            prepareDelay: Self.jitter(micros: prepareJitterMicros),
            mapError: { ErrorMapping.rpcError(for: $0, logger: logger) })
        shutdown.onShutdown { pipeline.close() }
        pipeline.start()
        // The common-password list is built beside serving, on a low-priority thread: neither
        // the first answer nor (usually) the first registration waits for it.
        DispatchQueue.global(qos: .utility).async { PasswordRules.warmUp() }
        let maintenance = Maintenance(services: services)
        maintenance.start()

        let schemaVersion = try services.database.schemaVersion()
        let synchronous = try services.database.synchronousMode()
        logger.info("serving", metadata: [
            "db": "\(services.database.path)", "schemaVersion": "\(schemaVersion)",
            "durability": "\(services.settings.durability.rawValue)",
            "synchronous": "\(synchronous)",
        ])
        StdinReader(maxLineBytes: maxLineBytes).start(
            onFrame: { pipeline.accept($0) },
            shouldContinue: { pipeline.isAccepting },
            onEnd: { pipeline.close() })

        await pipeline.waitUntilFinished()
        maintenance.stop()
        try services.database.close()
        logger.info("stopped cleanly", metadata: ["responses": "\(output.framesWritten)"])
    }

    /// A random wait of 0…`micros` µs before each preparation, or nil for none.
    static func jitter(micros: Int) -> (@Sendable () async -> Void)? {
        guard micros > 0 else { return nil }
        let bound = UInt64(micros)
        return {
            let wait: UInt64 = UInt64.random(in: 0...bound) * 1000
            try? await Task.sleep(nanoseconds: wait)
        }
    }
}
