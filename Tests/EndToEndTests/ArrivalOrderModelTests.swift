import Foundation
import GRDB
import Testing
import TobaRPC

/// PROTOCOL.md §4, checked against a model: whatever requests pass each other inside the
/// service, what a client observes must be what applying them strictly in arrival order gives.
/// The model is the same binary driven one request at a time (send, wait for the answer, send
/// the next), which cannot reorder anything. The same random requests are then pipelined all at
/// once, with hashing slow enough that cheap requests overtake registrations and logins and a
/// random delay before each preparation, and the answers and the final database must be equal.
@Suite(.serialized) struct ArrivalOrderModelTests {
    static let config = #"{"passwords": {"iterations": 20000}, "subscriptions": {"sweepIntervalSeconds": 86400}}"#
    static let clock = "2026-06-01T12:00:00Z"

    @Test(arguments: [11, 23, 47] as [UInt64])
    func pipelinedRequestsObserveArrivalOrder(seed: UInt64) throws {
        // Given a database with an admin and five users, each logged in
        let world = try World.make()
        var random = SeededGenerator(seed: seed)
        var requests: [Request] = []
        while requests.count < 300 { requests += world.randomRequests(firstId: requests.count, random: &random) }

        // When the requests run one at a time, and then pipelined on a copy of the same database
        let serial = try world.run(requests, pipelined: false)
        let pipelined = try world.run(requests, pipelined: true)

        // Then every answer and the final database are the same
        let expected = Normalizer.answers(serial.answers)
        let actual = Normalizer.answers(pipelined.answers)
        for (id, answer) in expected where actual[id] != answer {
            Issue.record("request \(id) \(requests[id].method): serial \(JSONWriter.string(answer)), pipelined \(JSONWriter.string(actual[id] ?? .null))")
        }
        #expect(actual.count == expected.count)
        #expect(try Normalizer.database(pipelined.database) == Normalizer.database(serial.database))
        // And the pipelined run really let requests pass each other: an answer applied on the
        // writer (not deferred) was written before the answer of an earlier registration.
        #expect(pipelined.overtakes > 0, "no request overtook a registration; the test shows nothing")
    }

    /// One request of the random mix.
    struct Request {
        let id: Int
        let method: String
        let params: JSONValue
        var line: String { Sidecar.requestLine(method, params, id: .number(JSONNumber(Int64(id)))) }
    }

    struct World {
        /// The template's directory (its key file) and database (a file there, or a PostgreSQL URL).
        let template: URL
        let templateDatabase: String
        let tokens: [JSONValue]
        let userIds: [Int64]
        let adminToken: JSONValue
        static let emails = (0..<5).map { "user\($0)@example.test" } + (0..<15).map { "new\($0)@example.test" }

        static func password(_ email: String) -> String { "passphrase of \(email)" }

        static func make() throws -> World {
            let (sidecar, admin) = try Sidecar.withAdmin(config: config)
            _ = try sidecar.result("system.clock.set", ["now": .string(clock)])
            var tokens: [JSONValue] = [], ids: [Int64] = []
            for email in emails.prefix(5) {
                let (id, token) = try sidecar.registerAndLogin(email, password: password(email))
                tokens.append(token)
                ids.append(id)
            }
            #expect(try sidecar.finish() == 0)
            return World(template: sidecar.directory, templateDatabase: try #require(sidecar.databaseLocation),
                         tokens: tokens, userIds: ids, adminToken: admin)
        }

        /// One random request, or a registration followed at once by a login to the new account
        /// (the pair most likely to go wrong if a login could pass the registration it needs).
        func randomRequests(firstId id: Int, random: inout SeededGenerator) -> [Request] {
            let request = randomRequest(id: id, random: &random)
            guard request.method == "user.register", random.below(2) == 0, let email = request.params["email"] else { return [request] }
            return [request, Request(id: id + 1, method: "auth.login", params: ["email": email, "password": request.params["password"]!])]
        }

        func randomRequest(id: Int, random: inout SeededGenerator) -> Request {
            let user = random.below(tokens.count)
            let token = tokens[user]
            let email = Self.emails[random.below(Self.emails.count)]
            let key = "webkey\(random.below(3))"
            let roll = random.below(100)
            let (method, params): (String, JSONValue) = switch roll {
            case 0..<20: ("auth.verify", ["token": token])
            case 20..<26: ("feedback.submit", ["token": token, "satisfaction": 4, "type": "idea", "page": "home", "message": .string("note \(id)")])
            case 26..<46: ("user.register", ["email": .string(email), "password": .string(Self.password(email))])
            case 46..<60: ("auth.login", ["email": .string(email),
                                          "password": .string(random.below(3) != 0 ? Self.password(email) : "wrong password")])
            case 60..<62: ("product.list", [:])
            case 62..<63: ("category.list", [:])
            case 63..<64: ("voucher.get", ["code": "NOPE"])
            case 64..<68: ("websession.save", ["sessionKey": .string(key), "data": ["n": .number(JSONNumber(Int64(id)))]])
            case 68..<71: ("websession.load", ["sessionKey": .string(key)])
            case 71..<73: ("websession.delete", ["sessionKey": .string(key)])
            case 73..<78: ("user.me", ["token": token])
            case 78..<82: ("session.list", ["token": token])
            case 82..<85: ("session.revokeAll", ["token": token, "exceptCurrent": .bool(random.below(2) == 0)])
            case 85..<90: ("admin.user.update", ["token": adminToken, "userId": .number(JSONNumber(userIds[user])),
                                                 "isActive": .bool(random.below(3) != 0)])
            case 90..<95: ("email.add", ["token": token, "email": .string(email)])
            default: ("email.list", ["token": token])
            }
            return Request(id: id, method: method, params: params)
        }

        struct Outcome {
            let answers: [Int: JSONValue]
            let database: String
            let overtakes: Int
        }

        /// Runs `requests` on a fresh copy of the template database (a copied file, or on
        /// PostgreSQL a database made from the template with `CREATE DATABASE … TEMPLATE`).
        func run(_ requests: [Request], pipelined: Bool) throws -> Outcome {
            let directory = try Sidecar.makeDirectory()
            let database: String
            if let server = TestBackend.postgresURL {
                let copy = try TestBackend.freshDatabase()
                let name = { (url: String) in String(url[url.index(after: url.lastIndex(of: "/")!)...]) }
                try TestBackend.psql(server, "DROP DATABASE \(name(copy))")
                try TestBackend.psql(server, "CREATE DATABASE \(name(copy)) TEMPLATE \(name(templateDatabase))")
                try FileManager.default.copyItem(at: template.appendingPathComponent("secret.key"), to: directory.appendingPathComponent("secret.key"))
                database = copy
            } else {
                for name in ["toba.sqlite", "toba.sqlite.key"] {
                    try FileManager.default.copyItem(at: template.appendingPathComponent(name), to: directory.appendingPathComponent(name))
                }
                database = directory.appendingPathComponent("toba.sqlite").path
            }
            // Pipelined, each preparation also waits a random 0–3 ms, so preparations finish in
            // a shuffled order and every request that may pass another gets the chance to.
            let jitter = pipelined ? ["--test-prepare-jitter-us", "3000"] : []
            let sidecar = try Sidecar(arguments: ["--db", database, "--allow-test-clock"] + jitter,
                                      config: ArrivalOrderModelTests.config, directory: directory)
            _ = try sidecar.result("system.clock.set", ["now": .string(clock)])
            var answers: [Int: JSONValue] = [:]
            if pipelined {
                for request in requests { sidecar.send(request.line) }
            }
            for request in requests {
                if !pipelined { sidecar.send(request.line) }
                answers[request.id] = try sidecar.response(id: .number(JSONNumber(Int64(request.id))), timeout: 60)
            }
            #expect(try sidecar.finish() == 0)
            return Outcome(answers: answers, database: database, overtakes: pipelined ? overtakes(sidecar.lines, requests) : 0)
        }

        /// Answers written before the answer of an earlier registration. Registrations are
        /// answered as soon as their group commits and the requests counted here are too (none
        /// is deferred), so each such answer was applied before that registration.
        private func overtakes(_ lines: [String], _ requests: [Request]) -> Int {
            let passing: Set<String> = ["auth.verify", "feedback.submit", "product.list", "category.list", "voucher.get",
                                        "websession.save", "websession.load", "websession.delete"]
            var answered: Set<Int> = []
            var count = 0
            for line in lines {
                guard let answer = try? JSONParser.parse(Array(line.utf8)), let id = answer["id"]?.int64Value.map(Int.init),
                      id < requests.count else { continue }
                answered.insert(id)
                if passing.contains(requests[id].method),
                   requests[..<id].contains(where: { $0.method == "user.register" && !answered.contains($0.id) }) {
                    count += 1
                }
            }
            return count
        }
    }

    /// Replaces what is random by nature (tokens, session ids, confirmation keys, password salts)
    /// with names given in order of first appearance, so two runs compare by meaning.
    enum Normalizer {
        static func answers(_ answers: [Int: JSONValue]) -> [Int: JSONValue] {
            var names: [String: String] = [:]
            var result: [Int: JSONValue] = [:]
            for id in answers.keys.sorted() { result[id] = rename(tieFree(answers[id]!), &names) }
            return result
        }

        /// Sessions made at the same (frozen) instant are listed in the order of their random
        /// ids: such a list is compared as a set, its ids masked.
        private static func tieFree(_ answer: JSONValue) -> JSONValue {
            guard var object = answer.objectValue, var result = object["result"]?.objectValue,
                  let items = result["items"]?.arrayValue, items.contains(where: { $0["current"] != nil })
            else { return answer }
            result["items"] = .array(items.map { item in
                var item = item.objectValue ?? JSONObject()
                item["id"] = "*"
                return .object(item)
            }.sorted { JSONWriter.string($0) < JSONWriter.string($1) })
            object["result"] = .object(result)
            return .object(object)
        }

        private static func rename(_ value: JSONValue, _ names: inout [String: String]) -> JSONValue {
            switch value {
            case .string(let text) where isRandom(text):
                if names[text] == nil { names[text] = "random#\(names.count)" }
                return .string(names[text]!)
            case .array(let items):
                return .array(items.map { rename($0, &names) })
            case .object(let object):
                var renamed = JSONObject()
                for (key, item) in object { renamed[key] = rename(item, &names) }
                return .object(renamed)
            default:
                return value
            }
        }

        private static func isRandom(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            if text.hasPrefix("eyJ") { return true }  // a token
            if bytes.count == 36, bytes[8] == UInt8(ascii: "-"), bytes[23] == UInt8(ascii: "-") { return true }  // a UUID
            if bytes.count == 64, bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) }) { return true }
            return false
        }

        /// Columns whose values are random, or surrogate ids no method shows (rows of the
        /// user–group relation may be numbered in another order when requests pass each other).
        static let masked: Set<String> = [
            "users_user.password", "rest_framework_sso_sessiontoken.id", "account_emailconfirmation.key",
            "users_user_groups.id",
        ]

        /// Every table's rows as sorted text, random columns masked.
        static func database(_ location: String) throws -> [String: [String]] {
            guard !location.hasPrefix("postgres") else { return try postgreSQLDatabase(location) }
            let queue = try DatabaseQueue(path: location)
            defer { try? queue.close() }
            return try queue.read { db in
                var tables: [String: [String]] = [:]
                let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                for table in names {
                    let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"")
                    tables[table] = rows.map { row in
                        row.columnNames.map { column in
                            masked.contains("\(table).\(column)") ? "\(column)=*" : "\(column)=\(row[column] as DatabaseValue)"
                        }.joined(separator: "|")
                    }.sorted()
                }
                return tables
            }
        }

        /// The same on PostgreSQL: each row as `row_to_json`, its columns in table order.
        static func postgreSQLDatabase(_ url: String) throws -> [String: [String]] {
            var tables: [String: [String]] = [:]
            for table in try TestBackend.texts(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") {
                tables[table] = try TestBackend.texts(url, "SELECT row_to_json(r)::text FROM \"\(table)\" r").map { text in
                    let row = try JSONParser.parse(Array(text.utf8))
                    let object = row.objectValue ?? JSONObject()
                    return object.keys.map { column in
                        masked.contains("\(table).\(column)") ? "\(column)=*" : "\(column)=\(JSONWriter.string(object[column] ?? .null))"
                    }.joined(separator: "|")
                }.sorted()
            }
            return tables
        }
    }
}

private extension SeededGenerator {
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
