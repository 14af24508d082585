import Foundation
import GRDB
import Testing
import TobaRPC

/// Arrival order is the order of effects; a failed request leaves no trace (PROTOCOL.md §4).
/// That a write is answered only once durable is `CrashTests`' part (kill -9 at random points).
@Suite struct OrderingTests {
    static let configs = [
        Sidecar.fastConfig,
        #"{"passwords": {"iterations": 1000}, "groupCommit": {"maxSize": 1}}"#,
        #"{"passwords": {"iterations": 1000}, "durability": "normal"}"#,
    ]

    /// 200 lines sent at once, each depending on the write of the line before it: a save then a
    /// load of the same key (with a value that changes every time the key is reused), and now and
    /// then a registration followed by a login with that password. Every id is answered once.
    @Test(arguments: configs)
    func eachLineSeesTheWriteOfTheLineBeforeIt(_ config: String) throws {
        let sidecar = try Sidecar(config: config)
        var script = ""
        var expectations: [(id: String, check: (JSONValue) -> Bool)] = []
        var line = 0
        while line < 200 {
            if line % 20 == 0 {
                let email = "order\(line)@example.com"
                let password = "passphrase number \(line)"
                script += Sidecar.requestLine("user.register", ["email": .string(email), "password": .string(password)], id: .string("l\(line)")) + "\n"
                expectations.append(("l\(line)", { $0["result"]?["user"]?["email"] == .string(email) }))
                script += Sidecar.requestLine("auth.login", ["email": .string(email), "password": .string(password)], id: .string("l\(line + 1)")) + "\n"
                expectations.append(("l\(line + 1)", { $0["result"]?["user"]?["email"] == .string(email) }))
            } else {
                // Only five keys, so each save overwrites what a load a few lines earlier saw.
                let key = "key\(line % 5)"
                script += Sidecar.requestLine("websession.save", ["sessionKey": .string(key), "data": ["line": .number(JSONNumber(Int64(line)))]], id: .string("l\(line)")) + "\n"
                expectations.append(("l\(line)", { $0["result"]?["sessionKey"] == .string(key) }))
                let seen = Int64(line)
                script += Sidecar.requestLine("websession.load", ["sessionKey": .string(key)], id: .string("l\(line + 1)")) + "\n"
                expectations.append(("l\(line + 1)", { $0["result"]?["data"]?["line"]?.int64Value == seen }))
            }
            line += 2
        }
        sidecar.write(Data(script.utf8))
        #expect(try sidecar.finish(timeout: 60) == 0)
        #expect(expectations.count == 200)
        for (id, check) in expectations {
            let answers = try sidecar.responses(withID: .string(id))
            #expect(answers.count == 1, "\(id) answered \(answers.count) times")
            if let answer = answers.first { #expect(check(answer), "\(id): \(answer)") }
        }
        #expect(sidecar.lines.count == 200)
    }

    /// Inside one group (everything sent in one write), failing requests roll back their own
    /// effects only; their neighbours commit.
    @Test(arguments: configs)
    func aFailedRequestLeavesNoTraceWhileItsNeighboursCommit(_ config: String) throws {
        let sidecar = try Sidecar(config: config)
        let (_, token) = try sidecar.registerAndLogin("first@example.com", password: "first passphrase")
        let lines = [
            Sidecar.requestLine("websession.save", ["sessionKey": "before", "data": "b"], id: "1"),
            // A partial write then a failure: first_name is updated before the unknown category is found.
            Sidecar.requestLine("user.updateProfile", ["token": token, "firstName": "Changed", "phone": "0811", "categoryId": 987654], id: "2"),
            Sidecar.requestLine("user.register", ["email": "FIRST@example.com", "password": "another passphrase"], id: "3"),
            Sidecar.requestLine("user.register", ["email": "second@example.com", "password": "second passphrase"], id: "4"),
            Sidecar.requestLine("websession.save", ["sessionKey": "after", "data": "a"], id: "5"),
        ]
        sidecar.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(try sidecar.response(id: "2").errorCode == 1003)
        #expect(try sidecar.response(id: "3").errorReason == "email_taken")
        #expect(try sidecar.response(id: "4")["result"]?["user"]?["email"] == "second@example.com")
        #expect(try sidecar.response(id: "1")["result"] != nil)
        #expect(try sidecar.response(id: "5")["result"] != nil)

        let me = try sidecar.result("user.me", ["token": token])
        #expect(me["user"]?["firstName"] == "")
        #expect(me["profile"]?["phone"] == "")
        #expect(try sidecar.result("websession.load", ["sessionKey": "before"])["data"] == "b")
        #expect(try sidecar.result("websession.load", ["sessionKey": "after"])["data"] == "a")
        // The duplicate's password was never stored; the original one still works.
        #expect(try sidecar.error("auth.login", ["email": "first@example.com", "password": "another passphrase"])["code"] == 1001)
        _ = try sidecar.result("auth.login", ["email": "first@example.com", "password": "first passphrase"])
        _ = try sidecar.result("auth.login", ["email": "second@example.com", "password": "second passphrase"])
        #expect(try sidecar.finish() == 0)
    }

    /// Responses may overtake each other: a slow registration does not hold back an answer that
    /// needs no writer (rpc.discover) sent after it, yet the effects still apply in order.
    @Test func answersMayOvertakeButEffectsKeepArrivalOrder() throws {
        let sidecar = try Sidecar(config: #"{"passwords": {"iterations": 300000}}"#)
        let lines = [
            Sidecar.requestLine("user.register", ["email": "slow@example.com", "password": "a long passphrase"], id: "slow"),
            Sidecar.requestLine("rpc.discover", nil, id: "fast"),
            Sidecar.requestLine("user.register", ["email": "slow@example.com", "password": "another passphrase"], id: "dup"),
        ]
        sidecar.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(try sidecar.response(id: "dup", timeout: 60).errorReason == "email_taken")
        #expect(try sidecar.response(id: "slow")["result"]?["user"] != nil)
        #expect(try sidecar.finish() == 0)
        let order = try sidecar.parsedLines().compactMap { $0["id"]?.stringValue }
        #expect(order.firstIndex(of: "fast")! < order.firstIndex(of: "slow")!)
    }

    /// "Earlier in the same batch" counts as earlier: a batch that registers then logs in, and a
    /// notification whose registration the next line's login sees.
    @Test func requestsEarlierInABatchOrSentAsNotificationsTakeEffectFirst() throws {
        let sidecar = try Sidecar()
        let register = Sidecar.requestLine("user.register", ["email": "batch@example.com", "password": "a long passphrase"], id: "r")
        let login = Sidecar.requestLine("auth.login", ["email": "batch@example.com", "password": "a long passphrase"], id: "l")
        sidecar.send("[" + register + "," + login + "]")
        var notification = try JSONParser.parse(Array(Sidecar.requestLine("user.register", ["email": "quiet@example.com", "password": "a long passphrase"], id: 0).utf8)).objectValue!
        notification["id"] = nil
        sidecar.send(JSONWriter.string(.object(notification)))
        sidecar.send(Sidecar.requestLine("auth.login", ["email": "quiet@example.com", "password": "a long passphrase"], id: "quiet"))
        #expect(try sidecar.response(id: "quiet")["result"]?["token"] != nil)
        #expect(try sidecar.finish() == 0)
        let batch = try #require(try sidecar.parsedLines().first { $0.arrayValue != nil }?.arrayValue)
        #expect(batch.count == 2)
        #expect(batch.first { $0["id"] == "l" }?["result"]?["token"] != nil)
        #expect(sidecar.lines.count == 2, "the notification got no answer")
    }

    /// A password change, then on the next lines logins with the new and the old password, then
    /// a deletion and a new registration of the same address: each sees the one before.
    @Test func credentialChangesApplyToTheVeryNextLine() throws {
        let directory = try Sidecar.makeDirectory()
        let sidecar = try Sidecar(arguments: ["--db", directory.appendingPathComponent("cred.sqlite").path], directory: directory)
        let (_, token) = try sidecar.registerAndLogin("cred@example.com", password: "old passphrase")
        let lines = [
            Sidecar.requestLine("user.changePassword", ["token": token, "currentPassword": "old passphrase", "newPassword": "new passphrase",
                                                        "revokeOtherSessions": false], id: "change"),
            Sidecar.requestLine("auth.login", ["email": "cred@example.com", "password": "new passphrase"], id: "new"),
            Sidecar.requestLine("auth.login", ["email": "cred@example.com", "password": "old passphrase"], id: "old"),
            Sidecar.requestLine("user.delete", ["token": token, "password": "new passphrase"], id: "delete"),
            Sidecar.requestLine("auth.login", ["email": "cred@example.com", "password": "new passphrase"], id: "gone"),
            Sidecar.requestLine("user.register", ["email": "cred@example.com", "password": "third passphrase"], id: "again"),
            Sidecar.requestLine("auth.login", ["email": "cred@example.com", "password": "third passphrase"], id: "back"),
        ]
        sidecar.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(try sidecar.response(id: "change")["result"] != nil)
        #expect(try sidecar.response(id: "new")["result"]?["token"] != nil)
        #expect(try sidecar.response(id: "old").errorReason == "invalid_credentials")
        #expect(try sidecar.response(id: "delete")["result"] == ["deleted": true])
        #expect(try sidecar.response(id: "gone").errorReason == "invalid_credentials")
        #expect(try sidecar.response(id: "again")["result"]?["user"] != nil)
        #expect(try sidecar.response(id: "back")["result"]?["token"] != nil)
        #expect(try sidecar.finish() == 0)
    }

    /// More requests at once than the service keeps open (its back-pressure limit): all answered,
    /// once each, in a reasonable time.
    @Test func aFloodBeyondTheBackPressureLimitIsFullyAnswered() throws {
        let sidecar = try Sidecar(config: #"{"passwords": {"iterations": 1000}, "durability": "normal"}"#)
        let count = 12_000
        var script = ""
        script.reserveCapacity(count * 110)
        for i in 0..<count {
            script += Sidecar.requestLine("websession.save", ["sessionKey": .string("f\(i % 100)"), "data": .string(String(i))],
                                          id: .number(JSONNumber(Int64(i)))) + "\n"
        }
        sidecar.write(Data(script.utf8))
        sidecar.send(Sidecar.requestLine("websession.load", ["sessionKey": "f99"], id: "last"))
        #expect(try sidecar.response(id: "last", timeout: 120)["result"]?["data"] == .string(String(count - 1)))
        #expect(try sidecar.finish(timeout: 60) == 0)
        let ids = try sidecar.parsedLines().compactMap { $0["id"]?.int64Value }
        #expect(ids.count == count)
        #expect(Set(ids).count == count)
    }

    /// Two processes on one database file: a contested address is registered exactly once, and
    /// nobody sees an internal error (busy timeout, retries).
    @Test func twoProcessesOnOneFileNeverRegisterAnAddressTwice() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("shared.sqlite")
        #expect(try Sidecar.run(["migrate", "--db", file.path]).status == 0)
        let a = try Sidecar(arguments: ["--db", file.path], directory: directory)
        let b = try Sidecar(arguments: ["--db", file.path], directory: directory)
        let contested = 30
        for sidecar in [a, b] {
            var script = ""
            for i in 0..<contested {
                script += Sidecar.requestLine("user.register", ["email": .string("contested\(i)@example.com"), "password": "a long passphrase"],
                                              id: .string("c\(i)")) + "\n"
            }
            sidecar.write(Data(script.utf8))
        }
        for i in 0..<contested {
            let answers = [try a.response(id: .string("c\(i)"), timeout: 60), try b.response(id: .string("c\(i)"), timeout: 60)]
            let won = answers.filter { $0["result"]?["user"] != nil }.count
            let lost = answers.filter { $0.errorReason == "email_taken" }.count
            #expect(won == 1 && lost == 1, "contested\(i): \(answers)")
        }
        #expect(try a.finish() == 0)
        #expect(try b.finish() == 0)
        let rows = try SidecarDatabase.read(file) { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users_user WHERE email LIKE 'contested%'")
        }
        #expect(rows == contested)
    }
}
