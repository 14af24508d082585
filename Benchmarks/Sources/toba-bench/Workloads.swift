import Foundation

/// The throughput workloads: each repeat starts a fresh service (and, for files, a fresh
/// database), sets it up through the service itself, then pipes every request at once.
extension Bench {
    func healthThroughput(upTo count: Int) {
        let lines = { (n: Int) in (0..<n).map { request("system.health", "{}", id: "h\($0)") } }
        summary.add(throughput("system.health, file database (WAL, durability full)", target: .atLeast(200_000), upTo: count) { n in
            let child = try started(["--db", database("health")])
            defer { child.finish() }
            return try pipe(child, lines(n))
        })
        summary.add(throughput("system.health, :memory: (reference)", target: .none, upTo: count) { n in
            let child = try started(["--db", ":memory:"])
            defer { child.finish() }
            return try pipe(child, lines(n))
        })
    }

    /// A service on a new file database with one logged-in user: the child and the user's token.
    func serviceWithUser(_ arguments: [String] = []) throws -> (Child, String) {
        let child = try started(["--db", database("user"), "--config", cheapHashing] + arguments)
        return (child, try registerAndLogin(child, email: "bench@example.com"))
    }

    func verifyThroughput(upTo count: Int) {
        var row = throughput("auth.verify pipelined (one user, file database)", target: .atLeast(100_000), upTo: count) { n in
            let (child, token) = try serviceWithUser()
            defer { child.finish() }
            return try pipe(child, (0..<n).map { request("auth.verify", #"{"token":"\#(token)"}"#, id: "v\($0)") })
        }
        let cpu = row.details["cpuMicrosecondsPerRequest"] as? Double
        summary.add(row)
        row = Row(workload: "auth.verify pipelined, child CPU per request (/proc utime+stime)", measured: cpu ?? .nan,
                  unit: "µs", target: .atMost(15), details: ["source": "/proc/PID/stat utime+stime before and after, median of runs"])
        if cpu == nil { row.failure = summary.rows.last?.failure != nil ? "the run failed" : "no CPU figure (/proc unreadable)" }
        summary.add(row)
    }

    func feedbackThroughput(upTo count: Int) {
        summary.add(throughput("feedback.submit, durability full, file database", target: .atLeast(25_000), upTo: count) { n in
            let (child, token) = try serviceWithUser()
            defer { child.finish() }
            return try pipe(child, (0..<n).map {
                request("feedback.submit", #"{"token":"\#(token)","satisfaction":"satisfied","type":"suggestion","page":"/dashboard","message":"benchmark feedback number \#($0)"}"#,
                        id: "f\($0)")
            })
        })
    }

    func registerParams(_ i: Int, domain: String = "example.com") -> String {
        #"{"email":"user\#(i)@\#(domain)","password":"a long passphrase \#(i)"}"#
    }

    func registerThroughput(upTo count: Int) {
        summary.add(throughput("user.register, passwords.iterations 1,000", target: .atLeast(8_000), upTo: count) { n in
            let child = try started(["--db", database("register"), "--config", cheapHashing])
            defer { child.finish() }
            return try pipe(child, (0..<n).map { request("user.register", registerParams($0), id: "r\($0)") })
        })
    }

    /// Register, log in the new user, list the products; five products exist (made by an admin).
    func mixedThroughput(upTo users: Int) {
        summary.add(throughput("mixed user.register + auth.login + product.list (1,000 iterations)", target: .atLeast(8_000), upTo: users) { n in
            let lines = (0..<n).flatMap { i in [
                request("user.register", registerParams(i), id: "r\(i)"),
                request("auth.login", #"{"email":"user\#(i)@example.com","password":"a long passphrase \#(i)"}"#, id: "l\(i)"),
                request("product.list", "{}", id: "p\(i)"),
            ] }
            let db = database("mixed")
            try createSuperuser(db: db, email: "root@example.com", password: "root passphrase 1", config: cheapHashing)
            let child = try started(["--db", db, "--config", cheapHashing])
            defer { child.finish() }
            let admin = try login(child, email: "root@example.com", password: "root passphrase 1")
            for n in 1...5 {
                let created = try child.call(request("product.create", #"{"token":"\#(admin)","name":"Product \#(n)","description":"A product of the store","isActive":true}"#, id: "c\(n)")).answer
                try Answers.requireSuccess(created, "product.create")
            }
            return try pipe(child, lines)
        })
    }

    /// One request at a time (send, wait for the answer, send the next): p50 and p99.
    func verifyLatencies(_ child: Child, token: String, rounds: Int) throws -> [Double] {
        let line = request("auth.verify", #"{"token":"\#(token)"}"#, id: "one")
        for _ in 0..<min(200, rounds) { _ = try child.call(line) }  // warm-up
        return try (0..<rounds).map { _ in
            let (answer, nanoseconds) = try child.call(line)
            if Answers.isError(answer) { try Answers.requireSuccess(answer, "auth.verify") }
            return Format.milliseconds(nanoseconds)
        }
    }

    @discardableResult
    func verifyLatency(rounds: Int) -> [Double] {
        do {
            let (child, token) = try serviceWithUser()
            defer { child.finish() }
            let latencies = try verifyLatencies(child, token: token, rounds: rounds)
            addLatencies("auth.verify one at a time", latencies, p50: .atMost(0.1), p99: .atMost(1))
            return latencies
        } catch {
            summary.add(Row(workload: "auth.verify one at a time", measured: .nan, unit: "ms", target: .atMost(0.1), failure: "\(error)"))
            return []
        }
    }

    /// `auth.verify` written right behind `registrations` user.register requests at the default
    /// 1,000,000 iterations: the time from writing the verify to its answer, per round.
    func verifyBehindHashing(registrations: Int, rounds: Int) {
        var row = Row(workload: "auth.verify behind \(registrations) registrations hashing at 1 M iterations (worst of \(rounds))",
                      measured: .nan, unit: "ms", target: .atMost(10))
        do {
            var probes: [Double] = []
            var registrationSeconds: [Double] = []
            for round in 0..<rounds {
                let db = database("probe")
                let setup = try started(["--db", db, "--config", cheapHashing])
                let token = try registerAndLogin(setup, email: "bench@example.com")
                setup.finish()
                let child = try started(["--db", db])  // the default 1,000,000 iterations
                defer { child.finish() }
                let block = (0..<registrations).map { request("user.register", registerParams($0, domain: "round\(round).example.com"), id: "r\($0)") }
                let start = Clock.now()
                child.send(Array((block.joined(separator: "\n") + "\n").utf8))
                let sent = Clock.now()
                child.send(request("auth.verify", #"{"token":"\#(token)"}"#, id: "probe"))
                let probeEnd = Array(#""id":"probe"}"#.utf8)
                var probeArrival: UInt64 = 0
                var answers = Answers()
                let last = try child.read(lines: registrations + 1) { line, arrival in
                    answers.check(line)
                    if line.count > probeEnd.count, line.suffix(probeEnd.count).elementsEqual(probeEnd) { probeArrival = arrival }
                }
                if answers.errors > 0 { throw BenchError("\(answers.errors) error answers, first: \(answers.firstError ?? "?")") }
                guard probeArrival > 0 else { throw BenchError("no answer to the probe") }
                probes.append(Format.milliseconds(probeArrival - sent))
                registrationSeconds.append(Format.seconds(last - start))
            }
            row.measured = probes.max() ?? .nan
            row.details = ["rounds": rounds, "probeMs": probes, "registrationsSeconds": registrationSeconds,
                           "note": "worst round; registrationsSeconds is the time until the last registration's answer"]
            let cores = ProcessInfo.processInfo.activeProcessorCount
            print(String(format: "  (the %d registrations took %.2f s pipelined: %.0f ms of one core per hash, %d cores)", registrations,
                         Stats.median(registrationSeconds), Stats.median(registrationSeconds) * 1000 * Double(cores) / Double(registrations), cores))
        } catch {
            row.failure = "\(error)"
        }
        summary.add(row)
    }

    func startupExisting(runs: Int) {
        let db = database("startup")
        let row: Row
        do {
            let setup = try started(["--db", db, "--config", cheapHashing])
            _ = try registerAndLogin(setup, email: "bench@example.com")
            setup.finish()
            row = startupRow("start-up to first answer, existing database (median of \(runs))", runs: runs, target: .atMost(30)) {
                try spawn(["--db", db])
            }
        } catch {
            row = Row(workload: "start-up to first answer", measured: .nan, unit: "ms", target: .atMost(30), failure: "\(error)")
        }
        summary.add(row)
    }
}
