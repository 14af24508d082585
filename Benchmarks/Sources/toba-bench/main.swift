import Foundation

// toba-bench: throughput and latency of the release binary, measured from outside through pipes,
// each figure printed beside its target (issue 9), plus the ceiling of the harness itself.
//
//   swift build -c release && (cd Benchmarks && swift run -c release toba-bench [options])
//
//   --quick            a smoke run of a few seconds (small counts, one repeat, 20 k users instead of 1 M)
//   --json FILE        also write the summary as JSON
//   --skip-million     leave out the million-user database
//   --cache-million    keep the built million-user database in $TMPDIR/toba-bench-cache and reuse it
//   --postgres URL     only the PostgreSQL fleet: reads and writes with 1, 2 and 4 sidecars on one
//                      database (URL: a role that may create databases; a fresh one per run)

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
}
let quick = arguments.contains("--quick")
let jsonPath = option("--json")
let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
let root = cwd.lastPathComponent == "Benchmarks" ? cwd.deletingLastPathComponent() : cwd
let binary = root.appendingPathComponent(".build/release/toba-register").path
guard FileManager.default.isExecutableFile(atPath: binary) else {
    FileHandle.standardError.write(Data("build the service first: swift build -c release (looked for \(binary))\n".utf8))
    exit(1)
}
signal(SIGPIPE, SIG_IGN)
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("toba-bench-\(ProcessInfo.processInfo.processIdentifier)")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: scratch) }
let millionCache: URL? = arguments.contains("--cache-million")
    ? FileManager.default.temporaryDirectory.appendingPathComponent("toba-bench-cache") : nil
if let millionCache { try FileManager.default.createDirectory(at: millionCache, withIntermediateDirectories: true) }

let bench = Bench(binary: binary, scratch: scratch, quick: quick)
let machine = Machine.describe(root: root)
bench.summary.header = ["date": ISO8601DateFormatter().string(from: Date()), "quick": quick, "repeats": bench.repeats,
                        "binary": binary, "machine": machine]
print("toba-bench\(quick ? " --quick" : ""): \(binary)")
print("machine: \(machine["cpu"] ?? "?"), \(machine["cores"] ?? "?") cores, \(machine["memory"] ?? "?"), sqlite \(machine["sqlite"] ?? "?")")
print("commit \(machine["commit"] ?? "?"), load average at start \(machine["loadAverage"] ?? "?")")
print("throughput rows: median of \(bench.repeats) run(s) of about \(bench.runSeconds) s, each on a fresh process; latencies one request at a time\n")
let started = Clock.now()

if let server = option("--postgres") {
    print("\nPostgreSQL fleet:")
    bench.postgresFleet(server: server, sidecarCounts: [1, 2, 4])
} else {
    bench.measureHarness(count: bench.count(1_000_000, quick: 100_000), latencyRounds: bench.count(5_000, quick: 500),
                         startups: bench.count(20, quick: 5))
    print("\nservice:")
    bench.healthThroughput(upTo: bench.count(400_000, quick: 50_000))
    bench.verifyThroughput(upTo: bench.count(300_000, quick: 30_000))
    bench.verifyLatency(rounds: bench.count(5_000, quick: 500))
    if !arguments.contains("--skip-million") {
        bench.millionUsers(users: bench.count(1_000_000, quick: 20_000), verifyCount: bench.count(300_000, quick: 30_000),
                           rounds: bench.count(5_000, quick: 500), cache: millionCache)
    }
    bench.feedbackThroughput(upTo: bench.count(100_000, quick: 10_000))
    bench.registerThroughput(upTo: bench.count(50_000, quick: 5_000))
    bench.mixedThroughput(upTo: bench.count(20_000, quick: 2_000))
    bench.verifyBehindHashing(registrations: bench.count(50, quick: 10), rounds: bench.count(2, quick: 1))
    bench.startupExisting(runs: bench.count(20, quick: 5))
    bench.groupCommit(upTo: bench.count(50_000, quick: 5_000))
    bench.loginTiming(rounds: bench.count(20, quick: 3))
}

let elapsed = Format.seconds(Clock.now() - started)
let loadAtEnd = Machine.loadAverage()
bench.summary.header["seconds"] = elapsed
bench.summary.header["loadAverageAtEnd"] = loadAtEnd
print(String(format: "\nsummary (%.0f s, load average at end %@):\n", elapsed, loadAtEnd))
bench.summary.printTable()
if let jsonPath {
    try bench.summary.writeJSON(to: jsonPath)
    print("\nJSON summary: \(jsonPath)")
}
let failed = bench.summary.rows.filter { $0.failure != nil }
if !failed.isEmpty {
    FileHandle.standardError.write(Data("\(failed.count) workload(s) failed; service stderr: \(bench.stderrLog)\n".utf8))
    exit(2)
}
