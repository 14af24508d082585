import Foundation
import TobaDomain
import TobaRPC
import TobaStore

/// §8.1: rpc.discover, system.health, system.shutdown, system.clock.*.
enum SystemMethods {
    struct NoParams: Sendable {}

    /// The instants an RFC 3339 timestamp can spell (four-digit years), in microseconds: the test
    /// clock never leaves them, so every stored and answered timestamp stays readable.
    static let clockRange = Timestamp.earliest.microseconds...Timestamp.latest.microseconds

    static func all(services: Services, shutdown: ShutdownSwitch, allowTestClock: Bool) -> [Method<any SQLConnection>] {
        let database = services.database
        let schemaVersion = (try? database.schemaVersion()) ?? 0
        let journalMode = (try? database.journalMode()) ?? "unknown"
        let discover = OpenRPCDocument.value
        var methods: [Method<any SQLConnection>] = [
            Method("rpc.discover", decode: { _ in NoParams() }) { _ in .done(discover) },
            Method("system.health", decode: { _ in NoParams() }, footprint: { _ in Footprint.nothing.readingOnly }) { _, db in
                let uptime = Double(Timestamp.now().microseconds - services.startedAt.microseconds) / 1_000_000
                return [
                    "status": "ok",
                    "version": .string(TobaRegister.version),
                    "schemaVersion": .number(JSONNumber(schemaVersion)),
                    "database": [
                        "path": .string(database.path),
                        "journalMode": .string(journalMode),
                        "sizeBytes": .number(JSONNumber(database.sizeBytes(db))),
                    ],
                    "uptimeSeconds": JSONNumber((uptime * 1000).rounded() / 1000).map(JSONValue.number) ?? 0,
                ]
            },
            Method("system.shutdown", decode: { _ in NoParams() }) { _ in
                .ordered { _ in
                    .deferred {
                        shutdown.trigger()
                        return ["ok": true]
                    }
                }
            },
        ]
        if allowTestClock {
            methods += [
                Method("system.clock.set", decode: { p in try p.timestamp("now") }) { instant, _ in
                    services.clock.set(instant)
                    return ["now": .string(instant.rfc3339)]
                },
                Method("system.clock.advance", decode: { p throws -> Double in try p.required("seconds") }) { seconds, _ in
                    let target = Double(services.clock.now().microseconds) + (seconds * 1_000_000).rounded()
                    guard Double(clockRange.lowerBound) <= target, target <= Double(clockRange.upperBound) else {
                        throw RPCError.invalidParams(.type, field: "seconds", detail: "the clock must stay within the years 0001-9999")
                    }
                    return ["now": .string(services.clock.advance(seconds: seconds).rfc3339)]
                },
            ]
        }
        return methods
    }
}
