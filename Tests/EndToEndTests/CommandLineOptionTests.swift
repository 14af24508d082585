import Foundation
import Testing
import TobaRPC

/// The command line (§2): options, their environment variables and the settings file, each
/// refused at start-up when it is not a value the service takes.
@Suite struct CommandLineOptionTests {
    private static let health = Sidecar.requestLine("system.health", nil, id: "h")

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
}
