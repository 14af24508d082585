import Foundation

/// What a bulk run measured: wall time from the first byte sent to the last answer, the child's
/// CPU time over the same span, and whether every answer was a success.
struct Run {
    var count: Int
    var nanoseconds: UInt64
    var cpuSeconds: Double?
    var errors: Int
    var firstError: String?

    var perSecond: Double { Double(count) / Format.seconds(nanoseconds) }
    var cpuMicrosecondsPerRequest: Double? { cpuSeconds.map { $0 * 1e6 / Double(count) } }
}

/// The run's settings, the scratch directory, the service binary and the helpers every
/// workload shares.
@MainActor final class Bench {
    let binary: String
    let scratch: URL
    let quick: Bool
    let repeats: Int
    let summary = Summary()
    /// The trivial echo child (compiled at run time, else `cat`).
    var echo: (path: String, arguments: [String]) = ("/bin/cat", [])
    private var configs = 0
    private var databases = 0

    init(binary: String, scratch: URL, quick: Bool) {
        self.binary = binary
        self.scratch = scratch
        self.quick = quick
        self.repeats = quick ? 1 : 3
    }

    /// `full` in a full run, `small` with `--quick`.
    func count(_ full: Int, quick small: Int) -> Int { quick ? small : full }

    var stderrLog: String { scratch.appendingPathComponent("children.stderr.log").path }

    func config(_ json: String) throws -> String {
        configs += 1
        let file = scratch.appendingPathComponent("config-\(configs).json")
        try json.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// A path for a new database file in the scratch directory.
    func database(_ name: String) -> String {
        databases += 1
        return scratch.appendingPathComponent("\(name)-\(databases).sqlite").path
    }

    /// Config with `passwords.iterations` 1,000 (cheap logins for setting up users).
    lazy var cheapHashing: String = (try? config(#"{"passwords":{"iterations":1000}}"#)) ?? ""

    func spawn(_ arguments: [String]) throws -> Child {
        try Child(binary: binary, arguments: arguments, stderrPath: stderrLog)
    }

    /// A service that has answered one request (start-up and migration are not measured).
    func started(_ arguments: [String]) throws -> Child {
        let child = try spawn(arguments)
        let (answer, _) = try child.call(request("system.health", "{}", id: "warm-up"))
        try Answers.requireSuccess(answer, "system.health at start")
        return child
    }

    /// Registers `email` and logs it in; returns the session token.
    func registerAndLogin(_ child: Child, email: String, password: String = "a long passphrase 1") throws -> String {
        let registered = try child.call(request("user.register", #"{"email":"\#(email)","password":"\#(password)"}"#, id: "setup-register")).answer
        try Answers.requireSuccess(registered, "user.register \(email)")
        return try login(child, email: email, password: password)
    }

    func login(_ child: Child, email: String, password: String) throws -> String {
        let answer = try child.call(request("auth.login", #"{"email":"\#(email)","password":"\#(password)"}"#, id: "setup-login")).answer
        try Answers.requireSuccess(answer, "auth.login \(email)")
        guard let token = (Answers.object(answer)["result"] as? [String: Any])?["token"] as? String else {
            throw BenchError("auth.login answered without a token")
        }
        return token
    }

    /// `toba-register createsuperuser`: the password goes in on stdin.
    func createSuperuser(db: String, email: String, password: String, config: String) throws {
        let child = try Child(binary: binary, arguments: ["createsuperuser", "--db", db, "--email", email, "--config", config],
                              stderrPath: stderrLog)
        child.send(password)
        guard child.finish() == 0 else { throw BenchError("createsuperuser failed (see \(stderrLog))") }
    }

    /// Sends `requests` (one per line) from a writer thread and reads every answer: the time from
    /// the first byte sent to the last answer, and the child's CPU time over that span.
    func pipe(_ child: Child, _ requests: [String]) throws -> Run {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(requests.count * 96)
        for line in requests { bytes.append(contentsOf: line.utf8); bytes.append(0x0A) }
        var answers = Answers()
        let cpuBefore = child.cpuSeconds()
        let start = Clock.now()
        child.sendInBackground(bytes)
        let end = try child.read(lines: requests.count) { line, _ in answers.check(line) }
        let cpuAfter = child.cpuSeconds()
        child.waitForWriter()
        let cpu = cpuBefore.flatMap { before in cpuAfter.map { $0 - before } }
        return Run(count: requests.count, nanoseconds: end - start, cpuSeconds: cpu, errors: answers.errors,
                   firstError: answers.firstError)
    }

    /// Seconds one throughput run should last: the count is sized from a short calibration run,
    /// so a slow service does not take minutes and a fast one still runs long enough to measure.
    var runSeconds: Double { quick ? 0.3 : 1.5 }

    /// Calibrates, then repeats `run` (a fresh child each time, `units` requests or groups of
    /// requests, at most `maxUnits`) and reports the median rate as one row.
    func throughput(_ workload: String, target: Row.Target, unit: String = "req/s", upTo maxUnits: Int,
                    _ run: (_ units: Int) throws -> Run) -> Row {
        var runs: [Run] = []
        var row = Row(workload: workload, measured: .nan, unit: unit, target: target)
        var units = max(min(maxUnits, 500), maxUnits / 50)
        do {
            let calibration = try run(units)
            let unitsPerSecond = Double(units) / Format.seconds(calibration.nanoseconds)
            units = min(maxUnits, max(units, Int(unitsPerSecond * runSeconds)))
            for _ in 0..<repeats { runs.append(try run(units)) }
        } catch {
            row.failure = "\(error)"
            return row
        }
        let rates = runs.map(\.perSecond)
        row.measured = Stats.median(rates)
        let cpu = runs.compactMap(\.cpuMicrosecondsPerRequest)
        row.details = ["requests": runs[0].count, "runsPerSecond": rates, "secondsPerRun": runs.map { Format.seconds($0.nanoseconds) }]
        if !cpu.isEmpty { row.details["cpuMicrosecondsPerRequest"] = Stats.median(cpu) }
        if let failed = runs.first(where: { $0.errors > 0 }) {
            row.failure = "\(failed.errors) error answers, first: \(failed.firstError ?? "?")"
        }
        return row
    }
}

func request(_ method: String, _ params: String, id: String) -> String {
    #"{"jsonrpc":"2.0","method":"\#(method)","params":\#(params),"id":"\#(id)"}"#
}

/// Counts the answers that are errors (the service writes `{"jsonrpc":"2.0","error":{…},"id":…}`).
struct Answers {
    private static let marker = Array(#""error":{"#.utf8)
    var errors = 0
    var firstError: String?

    mutating func check(_ line: UnsafeRawBufferPointer) {
        let found = Self.marker.withUnsafeBytes { marker in
            var at = 0
            while at + marker.count <= line.count, let quote = memchr(line.baseAddress! + at, 0x22, line.count - at) {
                at = line.baseAddress!.distance(to: UnsafeRawPointer(quote))
                if at + marker.count <= line.count, memcmp(line.baseAddress! + at, marker.baseAddress!, marker.count) == 0 { return true }
                at += 1
            }
            return false
        }
        if found {
            errors += 1
            if firstError == nil { firstError = String(decoding: line.prefix(300), as: UTF8.self) }
        }
    }

    static func isError(_ line: [UInt8]) -> Bool {
        var answers = Answers()
        line.withUnsafeBytes { answers.check($0) }
        return answers.errors > 0
    }

    /// "success" or the error's `data.reason`.
    static func outcome(_ line: [UInt8]) -> String {
        let answer = object(line)
        if answer["result"] != nil { return "success" }
        let error = answer["error"] as? [String: Any]
        return ((error?["data"] as? [String: Any])?["reason"] as? String) ?? "error \(error?["code"] ?? "?")"
    }

    static func object(_ line: [UInt8]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] ?? [:]
    }

    static func requireSuccess(_ line: [UInt8], _ what: String) throws {
        guard object(line)["result"] != nil else {
            throw BenchError("\(what) failed: \(String(decoding: line.prefix(300), as: UTF8.self))")
        }
    }
}
