import Foundation
import Testing
import TobaRPC

/// Values PostgreSQL's types refuse where SQLite takes anything, found by the method fuzzer on the
/// PostgreSQL pass: each is answered the same clear error on both engines, never -32603.
@Suite struct StrictValueTests {
    @Test func aNullCharacterInAnyStringIsRefusedByName() throws {
        let sidecar = try Sidecar()
        let plain = try sidecar.call("user.register", ["email": "a\u{0}@example.com", "password": "a long passphrase"])
        #expect(plain["error"]?["code"] == -32602)
        #expect(plain.errorReason == "null_character")
        #expect(plain["error"]?["data"]?["field"] == "email")
        let (_, token) = try sidecar.registerAndLogin("json@example.com")
        let nested = try sidecar.call("user.updateProfile", ["token": token, "extraData": ["note": ["a\u{0}b"]]])
        #expect(nested.errorReason == "null_character")
        #expect(nested["error"]?["data"]?["field"] == "extraData")
        #expect(try sidecar.call("websession.save", ["sessionKey": "k1", "data": "x\u{0}"]).errorReason == "null_character")
        #expect(try sidecar.finish() == 0)
    }

    @Test func anIdBeyond32BitsIsNotFound() throws {
        let (sidecar, admin) = try Sidecar.withAdmin()
        let huge = JSONValue.number(JSONNumber(Int64.max))
        for (method, extra) in [("admin.user.get", [] as [(String, JSONValue)]), ("admin.user.update", [("isActive", .bool(true))])] {
            let answer = try sidecar.call(method, .object(JSONObject([("token", admin), ("userId", huge)] + extra)))
            #expect(answer["error"]?["code"] == 1003, "\(method): \(JSONWriter.string(answer))")
        }
        #expect(try sidecar.finish() == 0)
    }

    @Test func aForgedCursorOfTheWrongTypeIsInvalid() throws {
        let (sidecar, admin) = try Sidecar.withAdmin()
        // [1, 1] where the admin log pages by a timestamp.
        let forged = Data("[1,1]".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let answer = try sidecar.call("admin.log.list", ["token": admin, "cursor": .string(forged)])
        #expect(answer.errorReason == "invalid_cursor")
        #expect(try sidecar.finish() == 0)
    }

    @Test func yearZeroIsNoTimestamp() throws {
        let (sidecar, admin) = try Sidecar.withAdmin()
        let answer = try sidecar.call("voucher.create", [
            "token": admin, "code": "ZERO", "name": "Zero", "validFrom": "0000-06-01T00:00:00Z", "validTo": "2027-01-01T00:00:00Z",
        ])
        #expect(answer["error"]?["code"] == -32602)
        #expect(answer["error"]?["data"]?["field"] == "validFrom")
        #expect(try sidecar.finish() == 0)
    }
}
