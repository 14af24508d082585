import Foundation
import GRDB
import Testing
import TobaRPC

/// Every method of `protocol/openrpc.json` (read at run time, so new methods are covered), fed
/// valid and hostile parameters generated from its documented params, with a fixed seed:
/// wrong JSON types, null, missing, ~100 kB strings, empty/blank/emoji/RTL/NUL strings,
/// integers at and past every limit, nesting up to the parser's depth limit, unknown params,
/// positional params, and the admin's, a user's, a forged, a garbage or no token.
///
/// Every answer must be one JSON line with the request's id and either a result or an error
/// whose code is one the protocol lists and whose `data.reason` is a string; never -32603 (an
/// internal error is a failure nobody mapped: a bug). A round of calls that all failed must
/// leave the database exactly as it was. At the end the process still answers, shuts down
/// cleanly, and (on SQLite) the file passes SQLite's integrity and foreign-key checks.
/// On the PostgreSQL pass the same calls meet a stricter engine (uuid, inet, timestamp and
/// integer types, `varchar(n)` lengths): a value that reaches SQL unchecked becomes a PostgreSQL
/// error, answered as -32603, which this test then reports.
@Suite struct MethodFuzzTests {
    static let allowedCodes: Set<Int64> = [-32600, -32601, -32602, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007]

    /// Clocks of the passes: the full pass at an ordinary instant, short ones at the calendar's ends.
    static let extremeClocks = ["9999-12-31T00:00:00Z", "0001-01-01T00:00:01Z"]

    /// Three minutes for the default single pass, two more for each extra `TOBA_FUZZ_PASSES`.
    static let minutes = 1 + 2 * Int64(max(1, ProcessInfo.processInfo.environment["TOBA_FUZZ_PASSES"].flatMap { Int($0) } ?? 1))

    @Test(.timeLimit(.minutes(minutes)))
    func everyMethodAnswersHostileParamsWithAListedErrorAndBadCallsChangeNothing() throws {
        let methods = try FuzzSchema.load().filter { $0.name != "system.shutdown" }
        #expect(methods.count >= 78)
        let world = try FuzzWorld()
        let fingerprint = try FuzzFingerprint(location: world.location)
        var runner = FuzzRunner(world: world, fingerprint: fingerprint)
        // A longer hunt: TOBA_FUZZ_SEED=n picks another seed, TOBA_FUZZ_PASSES=n repeats the full pass.
        let environment = ProcessInfo.processInfo.environment
        var rng = SeededGenerator(seed: environment["TOBA_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x70BA_F022_2026)
        let fullPasses = max(1, environment["TOBA_FUZZ_PASSES"].flatMap { Int($0) } ?? 1)
        let started = Date()
        let passes = Array(repeating: (clock: FuzzWorld.base, full: true), count: fullPasses) + Self.extremeClocks.map { ($0, false) }
        passes: for (clock, full) in passes {
            for method in methods {
                let methodStarted = Date()
                defer { Self.trace("\(method.name) \(Int(Date().timeIntervalSince(methodStarted) * 1000)) ms") }
                try world.refresh(clock: clock)
                var plan = FuzzPlan(method: method, world: world)
                let rounds = full ? plan.fullRounds(&rng) : [plan.clockRound(&rng)]
                for round in rounds {
                    try runner.run(round)
                    guard world.sidecar.process.isRunning else {
                        runner.failures.append("the process died during \(method.name): \(world.sidecar.stderrText.suffix(2000))")
                        break passes
                    }
                }
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        print("method fuzz: \(runner.sent) calls to \(methods.count) methods in \(Int(elapsed)) s; \(runner.unchangedRounds) rounds whose calls all failed checked for changes")
        for (method, counts) in runner.outcomes.sorted(by: { $0.key < $1.key }) {
            Self.trace("\(method): " + counts.sorted { $0.value > $1.value }.map { "\($0.key)×\($0.value)" }.joined(separator: ", "))
        }
        #expect(runner.failures.isEmpty, "\(runner.failures.count) failures:\n\(runner.failures.prefix(60).joined(separator: "\n"))")
        try fingerprint.close()
        try expectCleanEnd(world)
    }

    /// Progress on stderr when `TOBA_FUZZ_TRACE` is set.
    static func trace(_ text: @autoclosure () -> String) {
        if ProcessInfo.processInfo.environment["TOBA_FUZZ_TRACE"] != nil { FileHandle.standardError.write(Data((text() + "\n").utf8)) }
    }

    /// Still alive; `system.shutdown` with a bad param is refused and shuts nothing; then a clean
    /// shutdown and exit 0; one JSON line per request; a sound SQLite file (PostgreSQL checks
    /// types, lengths and foreign keys itself on every write).
    private func expectCleanEnd(_ world: FuzzWorld) throws {
        let sidecar = world.sidecar
        #expect(try sidecar.result("system.health")["status"] == "ok")
        #expect(try sidecar.call("system.shutdown", ["fuzzExtra": 1]).errorCode == -32602)
        #expect(try sidecar.result("system.health")["status"] == "ok")
        #expect(try sidecar.result("system.shutdown")["ok"] == true)
        #expect(try sidecar.finish(timeout: 60) == 0)
        // Every request of the run (the harness numbers them "call-1", "call-2", …) has exactly
        // one answer line, and nothing else was written.
        let issued = Int(sidecar.makeID().stringValue?.dropFirst("call-".count) ?? "") ?? 0
        let lines = try sidecar.parsedLines()
        #expect(lines.allSatisfy { $0.objectValue != nil && $0["jsonrpc"] == "2.0" })
        #expect(Set(lines.compactMap { $0["id"] }).count == lines.count, "an id was answered twice")
        #expect(lines.count == issued - 1)
        guard !world.location.hasPrefix("postgres") else { return }
        let file = URL(fileURLWithPath: world.location)
        let (integrity, foreignKeys) = try SidecarDatabase.read(file) { db in
            (try String.fetchAll(db, sql: "PRAGMA integrity_check"), try Row.fetchAll(db, sql: "PRAGMA foreign_key_check"))
        }
        #expect(integrity == ["ok"])
        #expect(foreignKeys.isEmpty, "\(foreignKeys)")
        let overlong = try SidecarDatabase.read(file, Self.overlongValues)
        #expect(overlong.isEmpty, "values longer than their column: \(overlong.prefix(20))")
    }

    /// Stored texts longer than their column's `varchar(n)`/`char(n)` in code points (what
    /// PostgreSQL and Django's `max_length` count; SQLite itself does not check).
    static func overlongValues(_ db: Database) throws -> [String] {
        var found: [String] = []
        let pattern = /char\((\d+)\)/
        for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
            for column in try Row.fetchAll(db, sql: "SELECT name, type FROM pragma_table_info(?)", arguments: [table]) {
                guard let match = (column["type"] as String).firstMatch(of: pattern), let max = Int(match.output.1) else { continue }
                let name: String = column["name"]
                for text in try String.fetchAll(db, sql: "SELECT \"\(name)\" FROM \"\(table)\" WHERE \"\(name)\" IS NOT NULL")
                where text.unicodeScalars.count > max {
                    found.append("\(table).\(name) (\(max)): \(text.unicodeScalars.count) code points")
                }
            }
        }
        return found
    }
}

/// Sends rounds of calls and checks every answer.
struct FuzzRunner {
    let world: FuzzWorld
    let fingerprint: FuzzFingerprint
    var failures: [String] = []
    var sent = 0
    /// Per method, how many answers of each kind ("ok", or the error code and reason).
    var outcomes: [String: [String: Int]] = [:]
    /// Rounds whose calls all failed, so were checked to have left the database as it was.
    var unchangedRounds = 0
    private var known: (version: String, digest: String)?

    init(world: FuzzWorld, fingerprint: FuzzFingerprint) {
        self.world = world
        self.fingerprint = fingerprint
    }

    /// The database's digest, recomputed only when another connection committed since.
    private mutating func state() throws -> (version: String, digest: String) {
        let version = try fingerprint.version()
        if let known, known.version == version { return known }
        let fresh = (version, try fingerprint.digest())
        known = fresh
        return fresh
    }

    mutating func run(_ round: [FuzzCall]) throws {
        let sidecar = world.sidecar
        let before = try state()
        let ids = round.map { call in
            let id = sidecar.makeID()
            let line = Sidecar.requestLine(call.method, call.params, id: id)
            MethodFuzzTests.trace("> \(id) \(call.label) " + line.replacingOccurrences(of: world.admin.stringValue ?? "-", with: "<admin>")
                .replacingOccurrences(of: world.user.stringValue ?? "-", with: "<user>").prefix(400))
            sidecar.send(line)
            return id
        }
        sent += round.count
        let roundStarted = Date()
        defer { MethodFuzzTests.trace("  \(round.first?.label ?? "") +\(round.count) \(Int(Date().timeIntervalSince(roundStarted) * 1000)) ms") }
        var allFailed = true
        for (call, id) in zip(round, ids) {
            guard let response = Self.answer(sidecar, id: id) else {
                failures.append("\(call.method) [\(call.label)]: no answer; params \(Self.brief(call.params))")
                continue
            }
            if response["result"] != nil { allFailed = false }
            outcomes[call.method, default: [:]][response.errorReason.map { "\(response.errorCode ?? 0) \($0)" } ?? "ok", default: 0] += 1
            if let problem = Self.problem(response, id: id) {
                failures.append("\(call.method) [\(call.label)]: \(problem); params \(Self.brief(call.params)) → \(Self.brief(response))")
            }
        }
        if allFailed { unchangedRounds += 1 }
        if allFailed, try state().digest != before.digest {
            failures.append("\(round.first?.method ?? "?"): a round whose calls all failed changed the database: "
                + round.map(\.label).joined(separator: " | "))
        }
    }

    /// The answer to `id`, waited for up to a minute while the process lives.
    static func answer(_ sidecar: Sidecar, id: JSONValue) -> JSONValue? {
        for _ in 0..<60 {
            if let response = try? sidecar.response(id: id, timeout: 1) { return response }
            if !sidecar.process.isRunning { return try? sidecar.response(id: id, timeout: 1) }
        }
        return nil
    }

    /// What is wrong with `response` to the request `id`, or nil.
    static func problem(_ response: JSONValue, id: JSONValue) -> String? {
        guard let object = response.objectValue else { return "not an object" }
        guard object["jsonrpc"] == "2.0", object["id"] == id else { return "wrong jsonrpc or id" }
        switch (object["result"], object["error"]) {
        case (_?, nil): return nil
        case (nil, let error?):
            guard let code = error["code"]?.int64Value else { return "error code is no integer" }
            if code == -32603 { return "internal error (-32603)" }
            guard MethodFuzzTests.allowedCodes.contains(code) else { return "unlisted error code \(code)" }
            guard error["message"]?.stringValue != nil else { return "error without message" }
            guard error["data"]?["reason"]?.stringValue != nil else { return "error without data.reason" }
            return nil
        default: return "not exactly one of result and error"
        }
    }

    /// The JSON text, long strings and deep nesting cut short, for a failure message.
    static func brief(_ value: JSONValue?) -> String {
        guard let value else { return "(none)" }
        let text = JSONWriter.string(value)
        return text.count > 400 ? String(text.prefix(400)) + "…(\(text.utf8.count) bytes)" : text
    }
}
