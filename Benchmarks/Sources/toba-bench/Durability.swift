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
            for (label, params) in kinds {
                var outcome = ""
                let latencies = try (0..<rounds).map { round in
                    let (answer, nanoseconds) = try child.call(request("auth.login", params, id: "t"))
                    if round == 0 { outcome = Answers.outcome(answer) }
                    return Format.milliseconds(nanoseconds)
                }
                summary.add(Row(workload: "auth.login timing, \(label) (mean of \(rounds), 1 M iterations)",
                                measured: latencies.reduce(0, +) / Double(rounds), unit: "ms", target: .none,
                                details: ["answer": outcome, "minMs": latencies.min() ?? .nan, "maxMs": latencies.max() ?? .nan]))
            }
        } catch {
            summary.add(Row(workload: "auth.login timing", measured: .nan, unit: "ms", target: .none, failure: "\(error)"))
        }
    }
}
