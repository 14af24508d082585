import Foundation
import Testing
import TobaRPC

/// §8.11 end to end: feedback.
@Suite struct FeedbackTests {
    @Test func usersSubmitFeedbackAndAdminsListItNewestFirstFiltered() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let (userId, user) = try sidecar.registerAndLogin("fan@example.com")
        let entries: [(String, String)] = [("bug", "checkout"), ("idea", "checkout"), ("bug", "landing")]
        for (index, (type, page)) in entries.enumerated() {
            let submitted = try sidecar.result("feedback.submit", ["token": user, "satisfaction": "happy", "type": .string(type),
                                                                   "page": .string(page), "message": .string("note \(index)")])
            #expect(submitted["feedback"]?["userId"] == .number(JSONNumber(userId)))
            #expect(submitted["feedback"]?["attachment"] == "")
            _ = try sidecar.result("system.clock.advance", ["seconds": 1])
        }
        let all = try sidecar.result("feedback.list", ["token": root])
        #expect(all["items"]?.arrayValue?.compactMap { $0["message"]?.stringValue } == ["note 2", "note 1", "note 0"])
        let bugs = try sidecar.result("feedback.list", ["token": root, "type": "bug"])
        #expect(bugs["items"]?.arrayValue?.compactMap { $0["message"]?.stringValue } == ["note 2", "note 0"])
        let checkoutBugs = try sidecar.result("feedback.list", ["token": root, "type": "bug", "page": "checkout"])
        #expect(checkoutBugs["items"]?.arrayValue?.compactMap { $0["message"]?.stringValue } == ["note 0"])

        let first = try sidecar.result("feedback.list", ["token": root, "limit": 2])
        #expect(first["items"]?.arrayValue?.count == 2)
        let rest = try sidecar.result("feedback.list", ["token": root, "limit": 2, "cursor": first["nextCursor"]!])
        #expect(rest["items"]?.arrayValue?.compactMap { $0["message"]?.stringValue } == ["note 0"])
        #expect(rest["nextCursor"] == .null)

        let denied = try sidecar.error("feedback.list", ["token": user])
        #expect(denied["data"]?["permission"] == "feedback.view_feedback")
        #expect(try sidecar.finish() == 0)
    }

    @Test func feedbackValuesFollowTheSchemaLengths() throws {
        let sidecar = try Sidecar()
        let (_, user) = try sidecar.registerAndLogin("long@example.com")
        let base: JSONObject = ["satisfaction": "ok", "type": "bug", "page": "home", "message": "hi"]
        for (field, value, reason) in [("satisfaction", String(repeating: "x", count: 21), "value_too_long"),
                                       ("type", String(repeating: "x", count: 21), "value_too_long"),
                                       ("page", String(repeating: "x", count: 41), "value_too_long"),
                                       ("attachment", String(repeating: "x", count: 101), "value_too_long"),
                                       ("message", " ", "value_required")] {
            var params = base
            params["token"] = user
            params[field] = .string(value)
            let error = try sidecar.error("feedback.submit", .object(params))
            #expect(error["data"]?["reason"] == .string(reason), "\(field)")
            #expect(error["data"]?["field"] == .string(field))
        }
        // Without a token the caller is unauthenticated (§7), whatever else the call holds.
        #expect(try sidecar.error("feedback.submit", ["satisfaction": "ok", "type": "bug", "page": "home", "message": "hi"])["code"] == 1001)
        #expect(try sidecar.finish() == 0)
    }
}
