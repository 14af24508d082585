import Foundation
import Testing
import TobaRPC

/// No input, however malformed, stops the service, loses an earlier request or puts anything
/// but one JSON line per answer on stdout (PROTOCOL.md §3).
@Suite struct BadInputTests {
    private static let health = #"{"jsonrpc":"2.0","method":"system.health","id":"health"}"#

    /// After the abuse: still answering, a clean exit at EOF, and only JSON on stdout.
    private func expectStillHealthy(_ sidecar: Sidecar) throws {
        sidecar.send(Self.health)
        #expect(try sidecar.response(id: "health")["result"]?["status"] == "ok")
        #expect(try sidecar.finish() == 0)
        let parsed = try sidecar.parsedLines()
        #expect(parsed.allSatisfy { $0.objectValue != nil || $0.arrayValue != nil })
    }

    @Test func garbageLinesAreParseErrorsWithANullID() throws {
        let sidecar = try Sidecar()
        let garbage = ["hello world", "{", "}", "[[[", #""unterminated"#, "nul", #"{"a":}"#, "{'single': 1}",
                       "01", "[1,]", #"{"jsonrpc":"2.0",}"#, "\u{FEFF}{}", "NaN", "--"]
        for line in garbage { sidecar.send(line) }
        try expectStillHealthy(sidecar)
        let answers = try sidecar.parsedLines().filter { $0["id"] != "health" }
        #expect(answers.count == garbage.count)
        #expect(answers.allSatisfy { $0.errorCode == -32700 && $0["id"] == .null && $0.errorReason == "invalid_json" })
    }

    @Test func validJSONThatIsNoRequestIsInvalidRequest() throws {
        let sidecar = try Sidecar()
        let lines = ["1", #""text""#, "null", "true", "{}", #"{"id": 5}"#]
        for line in lines { sidecar.send(line) }
        try expectStillHealthy(sidecar)
        let answers = try sidecar.parsedLines().filter { $0["id"] != "health" }
        #expect(answers.count == lines.count)
        #expect(answers.allSatisfy { $0.errorCode == -32600 })
    }

    @Test func invalidUTF8IsAParseErrorNamedInvalidUTF8() throws {
        let sidecar = try Sidecar()
        var line = Data(#"{"jsonrpc":"2.0","method":"system.health","params":{"x":""#.utf8)
        line.append(contentsOf: [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80])
        line.append(Data(#""},"id":1}"#.utf8))
        line.append(0x0A)
        sidecar.write(line)
        sidecar.write(Data([0x80, 0x0A]))
        try expectStillHealthy(sidecar)
        let answers = try sidecar.parsedLines().filter { $0["id"] != "health" }
        #expect(answers.count == 2)
        #expect(answers.allSatisfy { $0.errorCode == -32700 && $0["id"] == .null && $0.errorReason == "invalid_utf8" })
    }

    @Test func aTenMegabyteLineIsOneTooLargeErrorAndTheNextLineIsAnswered() throws {
        let sidecar = try Sidecar()
        sidecar.send(#"{"jsonrpc":"2.0","method":"system.health","id":"before"}"#)
        var huge = Data(#"{"jsonrpc":"2.0","method":"system.health","params":{"pad":""#.utf8)
        huge.append(Data(repeating: UInt8(ascii: "a"), count: 10 * 1024 * 1024))
        huge.append(Data(#""},"id":"huge"}"#.utf8))
        huge.append(0x0A)
        #expect(sidecar.write(huge))
        sidecar.send(#"{"jsonrpc":"2.0","method":"system.health","id":"after"}"#)
        #expect(try sidecar.response(id: "after", timeout: 60)["result"]?["status"] == "ok")
        #expect(try sidecar.response(id: "before")["result"]?["status"] == "ok")
        #expect(try sidecar.finish() == 0)
        let parsed = try sidecar.parsedLines()
        #expect(parsed.count == 3)
        let tooLarge = parsed.filter { $0.errorCode == -32600 }
        #expect(tooLarge.count == 1)
        #expect(tooLarge.first?.errorReason == "too_large")
        #expect(tooLarge.first?["id"] == .null)
        #expect(try sidecar.responses(withID: "huge").isEmpty)
    }

    /// `--max-line-bytes 200`: a line of exactly 200 bytes (its `\r\n` not counted) is served,
    /// one of 201 is refused.
    @Test func theLineLimitIsExact() throws {
        let sidecar = try Sidecar(arguments: ["--db", ":memory:", "--max-line-bytes", "200"])
        func padded(_ id: String, to length: Int) -> String {
            let base = #"{"jsonrpc":"2.0","method":"system.health","id":"\#(id)"}"#
            return base + String(repeating: " ", count: length - base.utf8.count)
        }
        let fits = padded("fits", to: 200)
        let over = padded("over", to: 201)
        #expect(fits.utf8.count == 200 && over.utf8.count == 201)
        sidecar.write(Data((fits + "\r\n").utf8))
        sidecar.send(over)
        sidecar.send(padded("next", to: 120))
        #expect(try sidecar.response(id: "next")["result"]?["status"] == "ok")
        #expect(try sidecar.response(id: "fits")["result"]?["status"] == "ok")
        #expect(try sidecar.finish() == 0)
        #expect(try sidecar.responses(withID: "over").isEmpty)
        let tooLarge = try sidecar.parsedLines().filter { $0.errorReason == "too_large" }
        #expect(tooLarge.count == 1)
        #expect(tooLarge.first?.errorCode == -32600)
    }

    @Test func aHundredThousandNestedArraysAreTooDeepWithoutACrash() throws {
        let sidecar = try Sidecar()
        let depth = 100_000
        sidecar.send(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        sidecar.send(String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth))
        // Unterminated: the parser must give up without recursing either.
        sidecar.send(String(repeating: "[", count: depth))
        try expectStillHealthy(sidecar)
        let answers = try sidecar.parsedLines().filter { $0["id"] != "health" }
        #expect(answers.count == 3)
        #expect(answers.allSatisfy { $0.errorCode == -32700 && $0["id"] == .null })
        #expect(answers.prefix(2).allSatisfy { $0.errorReason == "too_deep" })
    }

    @Test func aDeepButAllowedBatchIsServed() throws {
        // A batch whose members hold moderately nested params: within the limit, answered.
        let sidecar = try Sidecar()
        let nested = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        sidecar.send(#"[{"jsonrpc":"2.0","method":"websession.save","params":{"data":\#(nested)},"id":"deep"}]"#)
        try expectStillHealthy(sidecar)
        let batch = try #require(try sidecar.parsedLines().first { $0.arrayValue != nil })
        #expect(batch[0]?["result"]?["sessionKey"]?.stringValue?.count == 32)
    }

    @Test func wrongParameterTypesAreInvalidParamsForEveryKindOfMethod() throws {
        let sidecar = try Sidecar()
        let cases: [(String, JSONValue, String, String)] = [
            ("user.register", ["email": 1, "password": "a long passphrase"], "type", "email"),
            ("user.register", ["email": "a@example.com", "password": ["x"]], "type", "password"),
            ("user.register", ["email": "a@example.com", "password": "a long passphrase", "categoryId": "1"], "type", "categoryId"),
            ("user.register", ["email": "a@example.com", "password": "a long passphrase", "categoryId": .number(JSONNumber(text: "1.5")!)], "type", "categoryId"),
            ("auth.login", ["email": "a@example.com", "password": true], "type", "password"),
            ("auth.login", ["email": .null, "password": "x"], "missing", "email"),
            ("email.confirm", ["key": ["a": 1]], "type", "key"),
            ("websession.save", ["data": 5], "type", "data"),
            ("websession.save", ["data": "x", "expireDate": "next tuesday"], "type", "expireDate"),
            ("websession.load", ["sessionKey": 42], "type", "sessionKey"),
            ("session.list", ["token": "t", "limit": "10"], "type", "limit"),
            ("session.revokeAll", ["token": "t", "exceptCurrent": "yes"], "type", "exceptCurrent"),
            ("user.updateProfile", ["token": "t", "categoryId": "a"], "type", "categoryId"),
            ("user.changePassword", ["token": 7, "currentPassword": "a", "newPassword": "b"], "type", "token"),
            ("system.clock.set", ["now": "yesterday"], "type", "now"),
            ("system.clock.advance", ["seconds": .null], "missing", "seconds"),
            ("category.list", ["limit": 10, "cursor": 3], "type", "cursor"),
        ]
        for (method, params, reason, field) in cases {
            let error = try sidecar.error(method, params)
            #expect(error["code"] == -32602, "\(method) \(params)")
            #expect(error["data"]?["reason"] == .string(reason), "\(method) \(params)")
            #expect(error["data"]?["field"] == .string(field), "\(method) \(params)")
        }
        try expectStillHealthy(sidecar)
    }

    /// Random bytes with a fixed seed: each non-blank line gets exactly one answer, every answer is
    /// JSON, and the service survives.
    @Test func randomByteLinesNeverHurtTheService() throws {
        let sidecar = try Sidecar()
        var generator = SeededGenerator(seed: 0x70BA_2026)
        var sent = 0
        var chunk = Data()
        for _ in 0..<400 {
            let length = Int.random(in: 1...300, using: &generator)
            var line = [UInt8]()
            // Starts with a byte that is neither blank nor a line end, so every line gets an answer.
            line.append(UInt8.random(in: 0x21...0xFF, using: &generator))
            for _ in 1..<length {
                var byte = UInt8.random(in: 0...255, using: &generator)
                if byte == 0x0A { byte = 0x0B }
                line.append(byte)
            }
            chunk.append(contentsOf: line)
            chunk.append(0x0A)
            sent += 1
        }
        // Some JSON-looking noise too: truncated and corrupted requests.
        let request = Array(#"{"jsonrpc":"2.0","method":"user.register","params":{"email":"f@example.com","password":"a long passphrase"},"id":1}"#.utf8)
        for _ in 0..<200 {
            var line = request
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let at = Int.random(in: 0..<line.count, using: &generator)
                var byte = UInt8.random(in: 0x20...0xFF, using: &generator)
                if byte == 0x0A { byte = 0x20 }
                line[at] = byte
            }
            line = Array(line.prefix(Int.random(in: 1...line.count, using: &generator)))
            if line.first == 0x20 { line[0] = UInt8(ascii: "{") }
            chunk.append(contentsOf: line)
            chunk.append(0x0A)
            sent += 1
        }
        #expect(sidecar.write(chunk))
        try expectStillHealthy(sidecar)
        // A corrupted line may still be a valid notification (answered by nothing) or a request:
        // at most one answer per line, and nothing else.
        let answers = try sidecar.parsedLines().filter { $0["id"] != "health" }
        #expect(answers.count <= sent)
        #expect(answers.count >= 400)
    }

    @Test func stdoutHoldsOneJSONLinePerAnswerEvenUnderMixedAbuse() throws {
        let sidecar = try Sidecar(arguments: ["--db", ":memory:", "--max-line-bytes", "4096"])
        var stream = Data()
        for i in 0..<50 {
            stream.append(Data(#"{"jsonrpc":"2.0","method":"system.health","id":\#(i)}"#.utf8))
            stream.append(Data("\n".utf8))
            stream.append(Data([0xFE, 0x0A]))
            stream.append(Data(String(repeating: "x", count: 5000).utf8))
            stream.append(Data("\r\n\n".utf8))
        }
        sidecar.write(stream)
        try expectStillHealthy(sidecar)
        let parsed = try sidecar.parsedLines()
        #expect(parsed.count == 151)
        for i in 0..<50 {
            #expect(try sidecar.responses(withID: .number(JSONNumber(Int64(i)))).count == 1)
        }
    }
}
