import Foundation

/// `auth.verify` on a database holding a million users, against the empty-database figures.
///
/// The users are written directly with the sqlite3 CLI in one transaction (registering them
/// through the service would take hours at any real hashing cost): the rows registration writes,
/// `users_user`, `users_user_profile`, `account_emailaddress` (primary, unverified),
/// `users_user_groups` (`trial`) and `account_emailconfirmation`, with hash-shaped passwords
/// nobody can log in with. Then one user registers and logs in through the service.
extension Bench {
    static func millionScript(users: Int) -> String {
        let email = "'user' || i || '@million.example.com'"
        let stamp = "'2026-11-26 10:' || printf('%02d:%02d.%06d', (i / 60) % 60, i % 60, i % 1000000)"
        return """
            .output /dev/null
            PRAGMA journal_mode = DELETE;
            PRAGMA synchronous = OFF;
            PRAGMA cache_size = -1000000;
            BEGIN;
            CREATE TEMP TABLE n AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < \(users)) SELECT i FROM c;
            INSERT INTO users_user (id, password, last_login, is_superuser, first_name, last_name, is_staff, is_active, date_joined, email)
                SELECT i, 'pbkdf2_sha256$1000000$' || substr(lower(hex(randomblob(11))), 1, 22) || '$' || substr(hex(randomblob(22)), 1, 43) || '=',
                       NULL, 0, '', '', 0, 1, \(stamp), \(email) FROM n;
            INSERT INTO users_user_profile (user_id, phone, photo, extra_data, category_id) SELECT i, '', '', NULL, NULL FROM n;
            INSERT INTO account_emailaddress (id, email, verified, "primary", user_id) SELECT i, \(email), 0, 1, i FROM n;
            INSERT INTO users_user_groups (user_id, group_id) SELECT i, (SELECT id FROM auth_group WHERE name = 'trial') FROM n;
            INSERT INTO account_emailconfirmation (created, sent, key, email_address_id)
                SELECT \(stamp), \(stamp), lower(hex(randomblob(32))), i FROM n;
            COMMIT;
            PRAGMA journal_mode = WAL;
            .output stdout
            SELECT count(*) FROM users_user;
            """
    }

    /// Builds (or reuses, with `cache`) the million-user database; returns a copy to run on.
    func millionDatabase(users: Int, cache: URL?) throws -> (path: String, buildSeconds: Double?) {
        let built = cache?.appendingPathComponent("million-\(users).sqlite").path ?? database("million")
        var buildSeconds: Double?
        if !FileManager.default.fileExists(atPath: built) {
            let start = Clock.now()
            let partial = built + ".partial"
            try? FileManager.default.removeItem(atPath: partial)
            let migrate = try Child(binary: binary, arguments: ["migrate", "--db", partial], stderrPath: stderrLog)
            guard migrate.finish() == 0 else { throw BenchError("toba-register migrate failed (see \(stderrLog))") }
            let sqlite = try Child(binary: "/usr/bin/env", arguments: ["sqlite3", "-bail", partial], stderrPath: stderrLog)
            sqlite.send(Array(Self.millionScript(users: users).utf8))
            sqlite.finishWriting()
            let (count, _) = try sqlite.readLine()
            guard sqlite.finish() == 0, String(decoding: count, as: UTF8.self) == "\(users)" else {
                throw BenchError("sqlite3 could not build the million-user database (see \(stderrLog))")
            }
            try FileManager.default.moveItem(atPath: partial, toPath: built)
            try? FileManager.default.moveItem(atPath: partial + ".key", toPath: built + ".key")
            buildSeconds = Format.seconds(Clock.now() - start)
        }
        guard cache != nil else { return (built, buildSeconds) }
        let copy = database("million-copy")
        try FileManager.default.copyItem(atPath: built, toPath: copy)
        return (copy, buildSeconds)
    }

    /// Every figure is compared with an empty database measured alongside (runs alternate), so
    /// a change in the machine's load touches both alike.
    func millionUsers(users: Int, verifyCount: Int, rounds: Int, cache: URL?) {
        let label = users == 1_000_000 ? "1 M" : "\(users / 1000) k"
        do {
            print("  building the \(label)-user database…"); fflush(nil)
            let (db, buildSeconds) = try millionDatabase(users: users, cache: cache)
            let bytes = fileBytes(db)
            summary.add(Row(workload: "\(label) users: bytes per user (file size / users)", measured: Double(bytes) / Double(users),
                            unit: "bytes", target: .none,
                            details: ["fileBytes": bytes, "users": users, "buildSeconds": buildSeconds.map { $0 as Any } ?? "cached"]))
            if let buildSeconds { print(String(format: "  (built in %.1f s with the sqlite3 CLI, one transaction)", buildSeconds)) }
            let args = ["--db", db, "--config", cheapHashing]
            let setup = try started(args)
            _ = try registerAndLogin(setup, email: "bench@example.com")
            setup.finish()
            func verifies(_ child: Child, _ token: String, _ n: Int) throws -> Run {
                try pipe(child, (0..<n).map { request("auth.verify", #"{"token":"\#(token)"}"#, id: "v\($0)") })
            }
            var emptyRuns: [Run] = []
            var row = throughput("\(label) users: auth.verify pipelined", target: .none, upTo: verifyCount) { n in
                let (empty, emptyToken) = try serviceWithUser()
                emptyRuns.append(try verifies(empty, emptyToken, n))
                empty.finish()
                let child = try started(args)
                defer { child.finish() }
                return try verifies(child, try login(child, email: "bench@example.com", password: "a long passphrase 1"), n)
            }
            let emptyRate = Stats.median(emptyRuns.dropFirst().map(\.perSecond))  // the first is the calibration
            row.details["emptyAlongsidePerSecond"] = emptyRate
            row.target = .judged("≥ 80 % of empty alongside (" + Format.value(emptyRate, "req/s") + ")", met: row.measured >= emptyRate * 0.8)
            summary.add(row)

            let child = try started(args)
            defer { child.finish() }
            let token = try login(child, email: "bench@example.com", password: "a long passphrase 1")
            let (empty, emptyToken) = try serviceWithUser()
            defer { empty.finish() }
            var latencies: [Double] = [], emptyLatencies: [Double] = []
            for _ in 0..<10 {
                emptyLatencies += try verifyLatencies(empty, token: emptyToken, rounds: rounds / 10)
                latencies += try verifyLatencies(child, token: token, rounds: rounds / 10)
            }
            let emptyP50 = Stats.percentile(emptyLatencies, 0.5), emptyP99 = Stats.percentile(emptyLatencies, 0.99)
            let p50 = Row.Target.judged("≤ 120 % of empty alongside (" + Format.value(emptyP50, "ms") + ")",
                                        met: Stats.percentile(latencies, 0.5) <= emptyP50 * 1.2)
            let p99 = Row.Target.judged("≤ 120 % of empty alongside (" + Format.value(emptyP99, "ms") + ")",
                                        met: Stats.percentile(latencies, 0.99) <= emptyP99 * 1.2)
            addLatencies("\(label) users: auth.verify one at a time", latencies, p50: p50, p99: p99)
        } catch {
            summary.add(Row(workload: "\(label) users", measured: .nan, unit: "req/s", target: .none, failure: "\(error)"))
        }
    }

    func fileBytes(_ path: String) -> Int {
        [path, path + "-wal"].reduce(0) { sum, file in
            sum + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
    }
}
