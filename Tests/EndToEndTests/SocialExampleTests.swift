import Foundation
import GRDB
import Testing
import TobaRPC

/// examples/devices-social-content.jsonl runs as it is and shows what its README section says.
@Suite struct SocialExampleTests {
    @Test func devicesSocialContentExampleShowsTheRulesItClaims() throws {
        let answers = try ExamplesTests.run("devices-social-content.jsonl")
        #expect(answers["landing"]?["result"]?["items"] == [])
        #expect(answers["social-new"]?["result"]?["created"] == true)
        #expect(answers["social-new"]?["result"]?["user"]?["email"] == "sari@example.com")
        #expect(answers["social-again"]?["result"]?["created"] == false)
        #expect(answers["social-again"]?["result"]?["user"]?["id"] == answers["social-new"]?["result"]?["user"]?["id"])
        #expect(ExamplesTests.reason(answers["social-unverified"]) == "email_taken")
        #expect(answers["social-link"]?["result"]?["user"]?["id"] == answers["register"]?["result"]?["user"]?["id"])
        #expect(ExamplesTests.reason(answers["password-wiped"]) == "invalid_credentials")
        #expect(ExamplesTests.reason(answers["social-no-email"]) == "email_required")
        #expect(ExamplesTests.reason(answers["secret-without-token"]) == "value_required")
        #expect(ExamplesTests.reason(answers["device-no-token"]) == "invalid_token")
        // Run as is, every line that needs the admin's token is refused, and nothing else is.
        for id in ["socialapp", "device-apns", "device-apns-bad", "devices", "targets", "feedback", "feedback-list", "slide", "socialapps", "log"] {
            #expect(ExamplesTests.reason(answers[id]) == "invalid_token", "\(id)")
        }
    }

    @Test func withAnAdminTokenSubstitutedTheAdminLinesSucceed() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let path = Sidecar.packageRoot.appendingPathComponent("examples/devices-social-content.jsonl")
        let text = try String(contentsOf: path, encoding: .utf8).replacingOccurrences(of: "ADMIN_TOKEN", with: root.stringValue ?? "")
        sidecar.write(Data(text.utf8))
        #expect(try sidecar.finish() == 0)
        var answers: [String: JSONValue] = [:]
        for line in sidecar.lines {
            let value = try JSONParser.parse(Array(line.utf8))
            if let id = value["id"]?.stringValue { answers[id] = value }
        }
        #expect(answers["socialapp"]?["result"]?["socialApp"]?["siteIds"] == [1])
        #expect(!sidecar.lines.contains { $0.contains("GOCSPX") || $0.contains("ya29.") })
        #expect(ExamplesTests.reason(answers["device-apns-bad"]) == "invalid_registration_id")
        #expect(ExamplesTests.reason(answers["device-apns-p256dh"]) == "not_applicable")
        #expect(answers["devices"]?["result"]?["items"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } == ["apns", "webpush"])
        #expect(answers["targets"]?["result"]?["items"]?.arrayValue?.count == 2)
        #expect(answers["feedback-list"]?["result"]?["items"]?.arrayValue?.count == 1)
        #expect(answers["slide"]?["result"]?["slide"]?["eventStart"] == "2026-12-01T02:00:00.000000Z")
        #expect(ExamplesTests.reason(answers["slide-bad"]) == "value_out_of_range")
        #expect(answers["log"]?["result"]?["items"]?.arrayValue?.count == 2)
        let tokens = try TestBackend.texts(try #require(sidecar.databaseLocation), "SELECT token FROM socialaccount_socialtoken")
        #expect(tokens == ["ya29.refreshed"])
    }
}
