import Foundation

/// Durable writes with and without group commit, and the timing of every kind of failed login.
extension Bench {
    func groupCommit(upTo count: Int) {
        let writes = { (n: Int) in (0..<n).map { request("websession.save", #"{"sessionKey":"k\#($0)","data":{"n":\#($0)}}"#, id: "w\($0)") } }
        let variants = [
            ("websession.save, durability full, group commit on (default)", "{}"),
            ("websession.save, durability full, group commit off (groupCommit.maxSize 1)", #"{"groupCommit":{"maxSize":1}}"#),
            ("websession.save, durability normal, group commit on", #"{"durability":"normal"}"#),
        ]
        for (label, json) in variants {
            summary.add(throughput(label, target: .none, upTo: count) { n in
                let child = try started(["--db", database("writes"), "--config", try config(json)])
                defer { child.finish() }
                return try pipe(child, writes(n))
            })
        }
    }

    /// Failed logins must cost what a real check costs (no timing oracle for account probing):
    /// the mean latency of each kind, one at a time, at the default 1,000,000 iterations.
    func loginTiming(rounds: Int) {
        do {
            let db = database("timing")
            let lenient = try config(#"{"rateLimits":{"loginFailedPerEmail":"100000/1s","loginFailedPerIp":"100000/1s"}}"#)
            try createSuperuser(db: db, email: "root@example.com", password: "root passphrase 1", config: lenient)
            let child = try started(["--db", db, "--config", lenient])
            defer { child.finish() }
            func call(_ method: String, _ params: String) throws -> [String: Any] {
                Answers.object(try child.call(request(method, params, id: "t")).answer)
            }
            var ids: [String: Int] = [:]
            for email in ["real", "gone"] {
                let answer = try call("user.register", #"{"email":"\#(email)@example.com","password":"a long passphrase"}"#)
                guard let id = ((answer["result"] as? [String: Any])?["user"] as? [String: Any])?["id"] as? Int else {
                    throw BenchError("user.register failed: \(answer)")
                }
                ids[email] = id
            }
            let social = try call("social.login", #"{"provider":"google","uid":"1","email":"social@example.com","emailVerified":true}"#)
            guard social["result"] != nil else { throw BenchError("social.login failed: \(social)") }
            let rootToken = try login(child, email: "root@example.com", password: "root passphrase 1")
            let deactivated = try call("admin.user.update", #"{"token":"\#(rootToken)","userId":\#(ids["gone"]!),"isActive":false}"#)
            guard deactivated["result"] != nil else { throw BenchError("could not deactivate the timing user: \(deactivated)") }
            let kinds: [(String, String)] = [
                ("right password", #"{"email":"real@example.com","password":"a long passphrase"}"#),
                ("wrong password", #"{"email":"real@example.com","password":"not the passphrase"}"#),
                ("unknown email", #"{"email":"nobody@example.com","password":"a long passphrase"}"#),
                ("unusable password (social-only user)", #"{"email":"social@example.com","password":"a long passphrase"}"#),
                ("inactive user, right password", #"{"email":"gone@example.com","password":"a long passphrase"}"#),
            ]
            // Round-robin over the kinds, so a change in the machine's load touches every kind alike.
            var latencies = Array(repeating: [Double](), count: kinds.count)
            var outcomes = Array(repeating: "", count: kinds.count)
            for _ in 0..<rounds {
                for (index, kind) in kinds.enumerated() {
                    let (answer, nanoseconds) = try child.call(request("auth.login", kind.1, id: "t"))
                    outcomes[index] = Answers.outcome(answer)
                    latencies[index].append(Format.milliseconds(nanoseconds))
                }
            }
            for (index, kind) in kinds.enumerated() {
                let times = latencies[index]
                summary.add(Row(workload: "auth.login timing, \(kind.0) (mean of \(rounds), 1 M iterations)",
                                measured: times.reduce(0, +) / Double(rounds), unit: "ms", target: .none,
                                details: ["answer": outcomes[index], "minMs": times.min() ?? .nan, "maxMs": times.max() ?? .nan]))
            }
        } catch {
            summary.add(Row(workload: "auth.login timing", measured: .nan, unit: "ms", target: .none, failure: "\(error)"))
        }
    }
}
