import Foundation

/// `--postgres URL`: the cheap-read and durable-write workloads with 1, 2 and 4 sidecars serving
/// one PostgreSQL database, and what one request costs one at a time (a round trip to the server
/// per statement). `URL` names a role that may create databases; each run gets a fresh one.
extension Bench {
    func postgresFleet(server: String, sidecarCounts: [Int]) {
        let key = scratch.appendingPathComponent("fleet.key").path
        for sidecars in sidecarCounts {
            summary.add(fleet("auth.verify pipelined, PostgreSQL, \(sidecars) sidecar(s)", server: server, key: key,
                              sidecars: sidecars, upTo: count(200_000, quick: 20_000)) { token, n, tag in
                (0..<n).map { request("auth.verify", #"{"token":"\#(token)"}"#, id: "\(tag)v\($0)") }
            })
            summary.add(fleet("feedback.submit pipelined, PostgreSQL, durability full, \(sidecars) sidecar(s)", server: server,
                              key: key, sidecars: sidecars, upTo: count(60_000, quick: 6_000)) { token, n, tag in
                (0..<n).map {
                    request("feedback.submit", #"{"token":"\#(token)","satisfaction":"satisfied","type":"suggestion","page":"/dashboard","message":"fleet feedback \#($0)"}"#,
                            id: "\(tag)f\($0)")
                }
            })
        }
        do {
            let database = try freshPostgreSQLDatabase(server)
            let child = try started(["--db", database, "--secret-key-file", key, "--config", cheapHashing])
            defer { child.finish() }
            let token = try registerAndLogin(child, email: "one@example.com")
            addLatencies("auth.verify one at a time, PostgreSQL", try verifyLatencies(child, token: token, rounds: count(3_000, quick: 300)),
                         p50: .none, p99: .none)
            let write = request("feedback.submit", #"{"token":"\#(token)","satisfaction":"satisfied","type":"suggestion","page":"/","message":"one"}"#, id: "w")
            let writes = try (0..<count(1_000, quick: 100)).map { _ in
                let (answer, nanoseconds) = try child.call(write)
                try Answers.requireSuccess(answer, "feedback.submit")
                return Format.milliseconds(nanoseconds)
            }
            addLatencies("feedback.submit one at a time, PostgreSQL (durability full)", writes, p50: .none, p99: .none)
        } catch {
            summary.add(Row(workload: "PostgreSQL one at a time", measured: .nan, unit: "ms", target: .none, failure: "\(error)"))
        }
        try? psql(server, "SELECT format('DROP DATABASE %I', datname) FROM pg_database WHERE datname LIKE 'toba\\_bench\\_\(getpid())\\_%' \\gexec")
    }

    /// Requests from `make(token, n, tag)` piped into each of `sidecars` processes at once (each
    /// with a user of its own); the rate is all answers over the time until the last one.
    private func fleet(_ workload: String, server: String, key: String, sidecars: Int, upTo maxPerSidecar: Int,
                       _ make: @escaping (String, Int, String) -> [String]) -> Row {
        throughput(workload, target: .none, upTo: maxPerSidecar * sidecars) { total in
            let perSidecar = max(1, total / sidecars)
            let database = try freshPostgreSQLDatabase(server)
            var children: [(Child, String)] = []
            defer { for (child, _) in children { child.finish() } }
            for index in 0..<sidecars {
                let child = try started(["--db", database, "--secret-key-file", key, "--config", cheapHashing])
                children.append((child, try registerAndLogin(child, email: "fleet\(index)@example.com")))
            }
            let batches = children.enumerated().map { index, pair in make(pair.1, perSidecar, "s\(index)") }
            let collected = Collected()
            let group = DispatchGroup()
            let start = Clock.now()
            for (index, (child, _)) in children.enumerated() {
                group.enter()
                let job = PipeJob(child: child, requests: batches[index])
                Thread.detachNewThread {
                    defer { group.leave() }
                    do {
                        let run = try job.run()
                        collected.add(run)
                    } catch {
                        collected.fail(error)
                    }
                }
            }
            group.wait()
            let elapsed = Clock.now() - start
            let (runs, failure) = collected.value
            if let failure { throw failure }
            let errors = runs.reduce(0) { $0 + $1.errors }
            return Run(count: perSidecar * sidecars, nanoseconds: elapsed, cpuSeconds: nil, errors: errors,
                       firstError: runs.first { $0.firstError != nil }?.firstError)
        }
    }

    /// A new empty database on `server` (through `psql`): its URL.
    func freshPostgreSQLDatabase(_ server: String) throws -> String {
        guard let slash = server.lastIndex(of: "/") else { throw BenchError("--postgres needs a URL ending in /dbname") }
        let name = "toba_bench_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        try psql(server, "CREATE DATABASE \(name)")
        return String(server[...slash]) + name
    }

    /// Runs `sql` through `psql` on `url` (what it prints is dropped; the fleet's databases are
    /// dropped the same way at the end).
    private func psql(_ url: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data((sql + "\n").utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("psql failed on the server") }
    }
}

/// What the sidecars' reader threads found, under a lock.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [Run] = []
    private var failure: (any Error)?

    func add(_ run: Run) {
        lock.lock(); defer { lock.unlock() }
        runs.append(run)
    }

    func fail(_ error: any Error) {
        lock.lock(); defer { lock.unlock() }
        failure = error
    }

    var value: ([Run], (any Error)?) {
        lock.lock(); defer { lock.unlock() }
        return (runs, failure)
    }
}

/// One sidecar's share of a fleet run, piped from a thread of its own: the same measurement as
/// `Bench.pipe`. Unchecked `Sendable`: the child is used by this thread alone until it ends.
private struct PipeJob: @unchecked Sendable {
    let child: Child
    let requests: [String]

    func run() throws -> Run {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(requests.count * 96)
        for line in requests { bytes.append(contentsOf: line.utf8); bytes.append(0x0A) }
        var answers = Answers()
        let start = Clock.now()
        child.sendInBackground(bytes)
        let end = try child.read(lines: requests.count) { line, _ in answers.check(line) }
        child.waitForWriter()
        return Run(count: requests.count, nanoseconds: end - start, cpuSeconds: nil, errors: answers.errors,
                   firstError: answers.firstError)
    }
}
