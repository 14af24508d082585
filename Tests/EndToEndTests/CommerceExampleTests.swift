import Foundation
import Testing
import TobaRPC

/// examples/commerce.jsonl does what examples/README.md says, run the way the README runs it.
@Suite struct CommerceExampleTests {
    /// Runs the file against a fresh database holding only a superuser, with `ADMIN_TOKEN`
    /// replaced by a token from `toba-register token` (or the file as is). Answers by id.
    static func run(substituting: Bool) throws -> [String: JSONValue] {
        let directory = try Sidecar.makeDirectory()
        let database = directory.appendingPathComponent("toba.sqlite").path
        let created = try Sidecar.createSuperuser(database: URL(fileURLWithPath: database), email: "admin@example.com", password: "admin passphrase 1")
        #expect(created.status == 0, "\(created.stderr)")
        let configFile = try Sidecar.writeFile(Sidecar.fastConfig, named: "example-config.json", in: directory)
        var text = try String(contentsOf: Sidecar.packageRoot.appendingPathComponent("examples/commerce.jsonl"), encoding: .utf8)
        if substituting {
            let minted = try Sidecar.run(["token", "--db", database, "--email", "admin@example.com", "--config", configFile], directory: directory)
            #expect(minted.status == 0, "\(minted.stderr)")
            text = text.replacingOccurrences(of: "ADMIN_TOKEN", with: minted.stdout.trimmingCharacters(in: .newlines))
        }
        let run = try Sidecar.run(["--db", database, "--allow-test-clock", "--config", configFile],
                                  stdin: Data(text.utf8), directory: directory)
        #expect(run.status == 0)
        var answers: [String: JSONValue] = [:]
        for line in run.stdout.split(separator: "\n") {
            let value = try JSONParser.parse(Array(line.utf8))
            if let id = value["id"]?.stringValue { answers[id] = value }
        }
        #expect(answers.count == text.split(separator: "\n").filter { $0.contains(#""id":"#) }.count, "every request is answered once")
        #expect(!run.stdout.contains("-32603"), "no internal error")
        return answers
    }

    @Test func theCommerceExampleShowsWhatTheReadmePromises() throws {
        let a = try Self.run(substituting: true)
        #expect(a["product"]?["result"]?["product"]?["id"] == 1)
        #expect(a["products"]?["result"]?["items"]?.arrayValue?.count == 1)
        #expect(a["plan-bad"]?.errorReason == "value_out_of_range")
        #expect(a["plans"]?["result"]?["items"]?.arrayValue?.count == 2)
        #expect(a["register"]?["result"]?["user"]?["id"] == 2)
        #expect(a["renew"]?["result"]?["subscription"]?["status"] == "active")
        #expect(a["renew"]?["result"]?["subscription"]?["periodEnd"] == "2026-03-31T00:00:00.000000Z")
        #expect(a["renew-retry"]?["result"] == a["renew"]?["result"])
        #expect(a["renew-mismatch"]?.errorReason == "idempotency_mismatch")
        #expect(a["renew-yearly"]?["result"]?["subscription"]?["periodEnd"] == "2027-03-31T00:00:00.000000Z")
        #expect(a["voucher"]?["result"]?["voucher"]?["code"] == "LAUNCH-2026")
        #expect(a["voucher-public"]?["result"]?["remaining"] == 1)
        #expect(a["claim"]?["result"]?["subscription"]?["status"] == "trial")
        #expect(a["claim-again"]?.errorReason == "already_claimed")
        #expect(a["voucher-used"]?["result"]?["remaining"] == 0)
        #expect(a["claims"]?["result"]?["items"]?.arrayValue?.count == 1)
        #expect(a["pay"]?["result"]?["payment"]?["transactionStatus"] == "pending")
        #expect(a["pay-retry"]?["result"] == a["pay"]?["result"])
        #expect(a["payments"]?["result"]?["items"]?.arrayValue?.count == 1)
        #expect(a["notify"]?.errorReason == "not_configured")
        #expect(a["mine"]?["result"]?["subscriptions"]?[0]?["status"] == "expired")
        #expect(a["history"]?["result"]?["items"]?.arrayValue?.count == 2)
        #expect(a["log"]?["result"]?["items"]?.arrayValue?.count == 5)
    }

    @Test func theCommerceExampleRunsAsIsWithoutAToken() throws {
        let a = try Self.run(substituting: false)
        #expect(a["product"]?.errorReason == "invalid_token")
        #expect(a["claim"]?.errorReason == "invalid_token")
        #expect(a["products"]?["result"]?["items"] == [])
        #expect(a["register"]?["result"]?["user"]?["id"] == 2)
        #expect(a["notify"]?.errorReason == "not_configured")
    }
}
