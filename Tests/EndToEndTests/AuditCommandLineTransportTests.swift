import Foundation
import Testing
import TobaRPC

/// The command line (§2), the transport's edge cases (§3) and the test clock (§8.1).
@Suite struct AuditCommandLineTransportTests {
    private static let health = Sidecar.requestLine("system.health", nil, id: "h")

    // MARK: Command line

    /// Any positive limit is the operator's choice; only a non-positive one is a bad option.
    @Test func aSmallLineLimitIsAcceptedAndEnforced() throws {
        let input = Data(("{}\n" + #"{"jsonrpc":"2.0","method":"x","id":1}"# + "\n").utf8)
        let run = try Sidecar.run(["--db", ":memory:", "--max-line-bytes", "16"], stdin: input)
        #expect(run.status == 0, "\(run.stderr)")
        let answers = run.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
        #expect(answers.map(\.errorReason) == ["invalid_jsonrpc_version", "too_large"])
        let viaEnv = try Sidecar.run(["--db", ":memory:"], stdin: input, environment: ["TOBA_MAX_LINE_BYTES": "16"])
        #expect(viaEnv.stdout == run.stdout)
        for bad in ["0", "-1"] {
            #expect(try Sidecar.run(["--db", ":memory:", "--max-line-bytes", bad]).status == 1)
            #expect(try Sidecar.run(["--db", ":memory:"], environment: ["TOBA_MAX_LINE_BYTES": bad]).status == 1)
        }
    }

    /// `TOBA_ALLOW_TEST_CLOCK` must say yes or no; a typo refuses the start instead of silently
    /// leaving the clock methods out.
    @Test(arguments: [("1", true), ("TRUE", true), ("on", true), ("0", false), ("false", false), ("", false)])
    func theTestClockVariableSaysYesOrNo(_ value: String, _ enabled: Bool) throws {
        let input = Data((Sidecar.requestLine("system.clock.set", ["now": "2030-01-01T00:00:00Z"], id: 1) + "\n").utf8)
        let run = try Sidecar.run(["--db", ":memory:"], stdin: input, environment: ["TOBA_ALLOW_TEST_CLOCK": value])
        #expect(run.status == 0)
        #expect(run.stdout.contains("2030-01-01T00:00:00.000000Z") == enabled, "\(run.stdout)")
    }

    @Test func aTestClockVariableThatIsNeitherYesNorNoExitsOne() throws {
        let run = try Sidecar.run(["--db", ":memory:"], environment: ["TOBA_ALLOW_TEST_CLOCK": "maybe"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("TOBA_ALLOW_TEST_CLOCK"))
        #expect(run.stdout.isEmpty)
    }

    @Test func logLevelsAreReadWhateverTheirCase() throws {
        let input = Data((Self.health + "\n").utf8)
        let run = try Sidecar.run(["serve", "--db", ":memory:", "--log-level", "WARNING"], stdin: input)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains(#""status":"ok""#))
        #expect(!run.stderr.contains(" info "), "info lines are below warning")
        let viaEnv = try Sidecar.run(["--db", ":memory:"], stdin: input, environment: ["TOBA_LOG_LEVEL": "Trace"])
        #expect(viaEnv.status == 0)
        #expect(viaEnv.stderr.contains(" trace "))
    }

    @Test func aSettingsSectionThatIsNotAnObjectSaysSo() throws {
        let directory = try Sidecar.makeDirectory()
        let file = try Sidecar.writeFile(#"{"rateLimits": "5/300s"}"#, named: "config.json", in: directory)
        let run = try Sidecar.run(["--db", ":memory:", "--config", file])
        #expect(run.status == 1)
        #expect(run.stderr.contains("rateLimits must be an object"), "\(run.stderr)")
    }

    /// 0 reads as Django reads it: a confirmation (or reset token) is good only at once.
    @Test func aZeroExpiryIsAValidSetting() throws {
        let sidecar = try Sidecar(config: #"{"passwords": {"iterations": 1000, "resetTimeoutSeconds": 0}, "emails": {"confirmationExpireDays": 0}}"#)
        let registered = try sidecar.result("user.register", ["email": "zero@example.com", "password": "a long passphrase"])
        let key = try #require(registered["confirmation"]?["key"])
        let error = try sidecar.error("email.confirm", ["key": key])
        #expect(error["code"] == 1006)
        #expect(error["data"]?["reason"] == "confirmation_expired")
        #expect(try sidecar.finish() == 0)
    }

    // MARK: Transport decisions

    /// A UTF-8 byte order mark is not JSON (RFC 8259 lets a parser refuse it, as Python, Go, Rust
    /// and JavaScript parsers do): -32700, and the stream goes on.
    @Test func aByteOrderMarkIsAParseErrorAndTheStreamGoesOn() throws {
        var input = Data([0xEF, 0xBB, 0xBF])
        input.append(Data((Self.health + "\n" + Self.health + "\n").utf8))
        let run = try Sidecar.run(["--db", ":memory:"], stdin: input)
        let answers = run.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
        #expect(answers.count == 2)
        #expect(answers.contains { $0.errorCode == -32700 && $0["id"] == .null })
        #expect(answers.contains { $0["result"]?["status"] == "ok" })
    }

    @Test func twoJSONTextsOnOneLineAreOneParseError() throws {
        let run = try Sidecar.run(["--db", ":memory:"], stdin: Data((Self.health + " " + Self.health + "\n").utf8))
        #expect(run.stdout == #"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error","data":{"reason":"invalid_json"}},"id":null}"# + "\n")
    }

    /// `params` may be omitted, but when present JSON-RPC 2.0 wants a structured value: null is
    /// an Invalid Request, answered with the request's id.
    @Test func nullParamsAreAnInvalidRequestWithTheID() throws {
        let line = #"{"jsonrpc":"2.0","method":"system.health","params":null,"id":7}"#
        let run = try Sidecar.run(["--db", ":memory:"], stdin: Data((line + "\n").utf8))
        let answer = try JSONParser.parse(Array(run.stdout.utf8.dropLast()))
        #expect(answer["id"] == 7)
        #expect(answer.errorCode == -32600)
        #expect(answer.errorReason == "invalid_params_member")
    }

    // MARK: Test clock

    /// An advance that would leave the four-digit years is refused as invalid params (it used to
    /// overflow and kill the process); the service goes on.
    @Test(arguments: [1e15, -1e15, 1e300, 400_000_000_000])
    func anAdvanceBeyondTheCalendarIsInvalidParams(_ seconds: Double) throws {
        let sidecar = try Sidecar()
        try sidecar.setClock("2030-01-01T00:00:00Z")
        let error = try sidecar.error("system.clock.advance", ["seconds": .number(try #require(JSONNumber(seconds)))])
        #expect(error["code"] == -32602)
        #expect(error["data"]?["field"] == "seconds")
        #expect(try sidecar.result("system.health")["status"] == "ok")
        #expect(try sidecar.result("system.clock.advance", ["seconds": 0])["now"] == "2030-01-01T00:00:00.000000Z")
        #expect(try sidecar.finish() == 0)
    }

    /// Decisions: `set` takes any RFC 3339 offset and answers in UTC; `advance` takes fractions and
    /// negative seconds (a clock set back is as useful to a test as one set forward).
    @Test func theClockTakesOffsetsFractionsAndSteps() throws {
        let sidecar = try Sidecar()
        let set = try sidecar.result("system.clock.set", ["now": "2030-01-01T07:00:00+07:00"])
        #expect(set["now"] == "2030-01-01T00:00:00.000000Z")
        #expect(try sidecar.result("system.clock.advance", ["seconds": .number(try #require(JSONNumber(text: "0.5")))])["now"] == "2030-01-01T00:00:00.500000Z")
        #expect(try sidecar.result("system.clock.advance", ["seconds": -3600])["now"] == "2029-12-31T23:00:00.500000Z")
        let bad = try sidecar.error("system.clock.set", ["now": "tomorrow"])
        #expect(bad["code"] == -32602)
        #expect(bad["data"]?["reason"] == "type")
        #expect(bad["data"]?["field"] == "now")
        #expect(try sidecar.finish() == 0)
    }
}
