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
    print(String(format: "%-58@ %7d req  %8.3f s  %10.0f req/s", name as NSString, count, seconds, rate))
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
