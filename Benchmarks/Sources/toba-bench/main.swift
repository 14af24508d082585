import Foundation

// toba-bench: throughput and latency of the release binary, measured from outside through pipes.
//   swift build -c release && (cd Benchmarks && swift run -c release toba-bench [--quick])

let quick = CommandLine.arguments.contains("--quick")
let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
let root = cwd.lastPathComponent == "Benchmarks" ? cwd.deletingLastPathComponent() : cwd
let binary = root.appendingPathComponent(".build/release/toba-register").path
guard FileManager.default.isExecutableFile(atPath: binary) else {
    FileHandle.standardError.write(Data("build the service first: swift build -c release (looked for \(binary))\n".utf8))
    exit(1)
}
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("toba-bench-\(ProcessInfo.processInfo.processIdentifier)")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: scratch) }

func config(_ json: String) throws -> String {
    let file = scratch.appendingPathComponent("config-\(UUID().uuidString).json")
    try json.write(to: file, atomically: true, encoding: .utf8)
    return file.path
}

func seconds(_ start: UInt64, _ end: UInt64) -> Double { Double(end - start) / 1e9 }

func line(_ method: String, _ params: String, id: String) -> String {
    #"{"jsonrpc":"2.0","method":"\#(method)","params":\#(params),"id":"\#(id)"}"#
}

/// A fresh service that has answered one request (start-up and migration are not measured).
func startedChild(_ arguments: [String]) throws -> Child {
    let child = try Child(binary: binary, arguments: arguments)
    child.send([line("system.health", "{}", id: "warm-up")])
    _ = child.waitFor(id: "warm-up")
    return child
}

/// Pipes `lines` into a fresh service and returns the seconds until the last answer.
func pipeAll(_ arguments: [String], _ lines: [String]) throws -> Double {
    let child = try startedChild(arguments)
    child.expect(lines.count + 1)
    let start = DispatchTime.now().uptimeNanoseconds
    child.send(lines)
    child.waitForAll()
    let end = DispatchTime.now().uptimeNanoseconds
    child.close()
    return seconds(start, end)
}

func report(_ name: String, count: Int, seconds: Double) {
    let rate = Double(count) / seconds
    print(name.padding(toLength: 78, withPad: " ", startingAt: 0) + String(format: "%7d req  %8.3f s  %10.0f req/s", count, seconds, rate))
}

print("toba-bench on \(ProcessInfo.processInfo.activeProcessorCount) cores, \(binary)")

// (a) system.health: the pipeline's own cost (parse, order, empty group, answer).
let healthCount = quick ? 5_000 : 50_000
let health = (0..<healthCount).map { line("system.health", "{}", id: "h\($0)") }
report("system.health, :memory:", count: healthCount, seconds: try pipeAll(["--db", ":memory:"], health))

// (b) durable writes: websession.save on a WAL file, synchronous=FULL, group commit on and off.
let writeCount = quick ? 1_000 : 5_000
let writes = (0..<writeCount).map { line("websession.save", #"{"sessionKey":"k\#($0)","data":{"n":\#($0)}}"#, id: "w\($0)") }
for (label, json) in [("group commit on (default)", "{}"), ("group commit off (groupCommit.maxSize 1)", #"{"groupCommit":{"maxSize":1}}"#)] {
    let db = scratch.appendingPathComponent("bench-\(UUID().uuidString).sqlite").path
    let elapsed = try pipeAll(["--db", db, "--config", try config(json)], writes)
    report("websession.save, durability full, \(label)", count: writeCount, seconds: elapsed)
}
let relaxedDB = scratch.appendingPathComponent("bench-normal.sqlite").path
report("websession.save, durability normal, group commit on", count: writeCount,
       seconds: try pipeAll(["--db", relaxedDB, "--config", try config(#"{"durability":"normal"}"#)], writes))

// (c) registrations at the default 1,000,000 PBKDF2 iterations: pipelined vs one at a time.
let registrations = quick ? 20 : 100
let register = (0..<registrations).map {
    line("user.register", #"{"email":"user\#($0)@example.com","password":"a long passphrase \#($0)"}"#, id: "r\($0)")
}
let pipelined = try pipeAll(["--db", scratch.appendingPathComponent("reg-p.sqlite").path], register)
report("user.register pipelined (1,000,000 iterations)", count: registrations, seconds: pipelined)

let sequentialChild = try startedChild( ["--db", scratch.appendingPathComponent("reg-s.sqlite").path])
let sequentialStart = DispatchTime.now().uptimeNanoseconds
for (index, request) in register.enumerated() {
    sequentialChild.send([request])
    _ = sequentialChild.waitFor(id: "r\(index)")
}
let sequential = seconds(sequentialStart, DispatchTime.now().uptimeNanoseconds)
sequentialChild.close()
report("user.register one at a time (1,000,000 iterations)", count: registrations, seconds: sequential)
print(String(format: "pipelined / one at a time = %.2f", pipelined / sequential))

// (d) a cheap unordered request sent in the middle of the registrations is not held behind them.
let latencyChild = try startedChild( ["--db", scratch.appendingPathComponent("reg-l.sqlite").path])
let half = registrations / 2
let probeStart = DispatchTime.now().uptimeNanoseconds
latencyChild.send(Array(register[..<half]))
let discoverSent = DispatchTime.now().uptimeNanoseconds
latencyChild.send([line("rpc.discover", "{}", id: "probe")])
latencyChild.send(Array(register[half...]))
let probeArrived = latencyChild.waitFor(id: "probe")
let lastArrived = latencyChild.waitFor(id: "r\(registrations - 1)")
latencyChild.close()
print(String(format: "rpc.discover sent after %d registrations answered in %.4f s (all registrations took %.3f s)",
             half, seconds(discoverSent, probeArrived), seconds(probeStart, lastArrived)))

// (e) failed logins cost what a real check costs (no timing oracle for account probing).
let timingDirectory = scratch.appendingPathComponent("timing")
try FileManager.default.createDirectory(at: timingDirectory, withIntermediateDirectories: true)
let timingDB = timingDirectory.appendingPathComponent("timing.sqlite").path
let lenient = try config(#"{"rateLimits":{"loginFailedPerEmail":"100000/1s","loginFailedPerIp":"100000/1s"}}"#)
let superuser = Process()
superuser.executableURL = URL(fileURLWithPath: binary)
superuser.arguments = ["createsuperuser", "--db", timingDB, "--email", "root@example.com", "--config", lenient]
let superuserInput = Pipe()
superuser.standardInput = superuserInput
superuser.standardOutput = FileHandle.nullDevice
superuser.standardError = FileHandle.nullDevice
try superuser.run()
superuserInput.fileHandleForWriting.write(Data("root passphrase 1\n".utf8))
try superuserInput.fileHandleForWriting.close()
superuser.waitUntilExit()

let timing = try startedChild(["--db", timingDB, "--config", lenient])
timing.keepAnswers = true
var sequence = 0
/// Sends one request, waits for its answer, returns the answer line's latency in seconds.
@MainActor func timed(_ method: String, _ params: String) -> Double {
    sequence += 1
    let id = "t\(sequence)"
    let start = DispatchTime.now().uptimeNanoseconds
    timing.send([line(method, params, id: id)])
    return seconds(start, timing.waitFor(id: id))
}
_ = timed("user.register", #"{"email":"real@example.com","password":"a long passphrase"}"#)
_ = timed("user.register", #"{"email":"gone@example.com","password":"a long passphrase"}"#)
_ = timed("social.login", #"{"provider":"google","uid":"1","email":"social@example.com","emailVerified":true}"#)
timing.send([line("auth.login", #"{"email":"root@example.com","password":"root passphrase 1"}"#, id: "root")])
let rootToken = (timing.answer("root")["result"] as? [String: Any])?["token"] as? String ?? ""
timing.send([line("user.register", #"{"email":"probe@example.com","password":"a long passphrase"}"#, id: "probe")])
let goneId = (((timing.answer("probe")["result"] as? [String: Any])?["user"] as? [String: Any])?["id"] as? Int ?? 0) - 1
timing.send([line("admin.user.update", #"{"token":"\#(rootToken)","userId":\#(goneId),"isActive":false}"#, id: "deactivate")])
guard timing.answer("deactivate")["result"] != nil else {
    FileHandle.standardError.write(Data("could not deactivate the timing user\n".utf8))
    exit(1)
}
let rounds = quick ? 5 : 20
let kinds: [(String, String)] = [
    ("right password", #"{"email":"real@example.com","password":"a long passphrase"}"#),
    ("wrong password", #"{"email":"real@example.com","password":"not the passphrase"}"#),
    ("unknown email", #"{"email":"nobody@example.com","password":"a long passphrase"}"#),
    ("unusable password (social-only user)", #"{"email":"social@example.com","password":"a long passphrase"}"#),
    ("inactive user, right password", #"{"email":"gone@example.com","password":"a long passphrase"}"#),
]
for (label, params) in kinds {
    let total = (0..<rounds).reduce(0.0) { sum, _ in sum + timed("auth.login", params) }
    let padded = label.padding(toLength: 40, withPad: " ", startingAt: 0)
    print("auth.login, \(padded)" + String(format: "mean %.4f s over %d", total / Double(rounds), rounds))
}
timing.close()
