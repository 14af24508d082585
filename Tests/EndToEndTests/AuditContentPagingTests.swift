import Foundation
import Testing
import TobaRPC

/// PROTOCOL.md §5 "List methods take `limit` … and `cursor` … and return `{items, nextCursor}`",
/// applied to the lists of §8.9 and §8.11.
@Suite struct AuditContentPagingTests {
    /// Follows `nextCursor` with `limit` 2 until it is null; every item seen, in order.
    static func walk(_ sidecar: Sidecar, _ method: String, _ params: JSONObject, _ key: (JSONValue) -> String?) throws -> [String] {
        var seen: [String] = []
        var cursor: JSONValue = .null
        repeat {
            var page = params
            page["limit"] = 2
            if cursor != .null { page["cursor"] = cursor }
            let result = try sidecar.result(method, .object(page))
            let items = try #require(result["items"]?.arrayValue)
            #expect(items.count <= 2)
            seen += items.compactMap(key)
            cursor = try #require(result["nextCursor"])
        } while cursor != .null
        return seen
    }

    @Test func deviceListAndTargetsArePagedAcrossKinds() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let (userId, token) = try sidecar.registerAndLogin("devices@example.com")
        for (kind, id, extra) in [("wns", "wns-1", [:]), ("apns", "abcd", ["active": false]), ("gcm", "fcm-1", [:]),
                                  ("webpush", "https://push.example/1", ["p256dh": "k", "auth": "a"]),
                                  ("webpush", "https://push.example/2", ["p256dh": "k", "auth": "a"])] as [(String, String, JSONObject)] {
            var params: JSONObject = ["token": token, "kind": .string(kind), "registrationId": .string(id)]
            for (k, v) in extra { params[k] = v }
            _ = try sidecar.result("device.register", .object(params))
        }
        let all = ["abcd", "fcm-1", "https://push.example/1", "https://push.example/2", "wns-1"]
        #expect(try Self.walk(sidecar, "device.list", ["token": token]) { $0["registrationId"]?.stringValue } == all)
        let targets = try Self.walk(sidecar, "device.targets", ["token": root, "userId": .number(JSONNumber(userId))]) {
            $0["registrationId"]?.stringValue
        }
        #expect(targets == Array(all.dropFirst()))
        #expect(try sidecar.error("device.list", ["token": token, "cursor": "garbage"])["data"]?["reason"] == "invalid_cursor")
        #expect(try sidecar.finish() == 0)
    }

    @Test func landingListIsPagedInSwiperOrder() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        var ids: [JSONValue] = []
        for title in ["A", "B", "C", "D"] {
            ids.append(try #require(try sidecar.result("landing.slide.create", ["token": root, "title": .string(title)])["slide"]?["id"]))
        }
        _ = try sidecar.result("landing.arrange", ["token": root, "slides": [
            ["slideId": ids[3]], ["slideId": ids[1], "isShow": false], ["slideId": ids[0]], ["slideId": ids[2]],
        ]])
        #expect(try Self.walk(sidecar, "landing.list", [:]) { $0["title"]?.stringValue } == ["D", "A", "C"])
        #expect(try sidecar.error("landing.list", ["limit": 0])["data"]?["reason"] == "invalid_limit")
        #expect(try sidecar.finish() == 0)
    }
}
