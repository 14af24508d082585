import Foundation
import Testing
import TobaRPC

/// §8.9 end to end: push-notification devices.
@Suite struct DeviceTests {
    static let apnsToken = "0x" + String(repeating: "ab12", count: 16)

    @Test func aSecondDeviceOfAOnePerUserKindReplacesTheFirst() throws {
        let sidecar = try Sidecar()
        let (_, token) = try sidecar.registerAndLogin("ios@example.com")
        for kind in ["apns", "gcm", "wns"] {
            let first = kind == "apns" ? Self.apnsToken : "\(kind)-first"
            let second = kind == "apns" ? "ff00ff" : "\(kind)-second"
            let a = try sidecar.result("device.register", ["token": token, "kind": .string(kind), "registrationId": .string(first), "name": "old"])
            #expect(a["device"]?["kind"] == .string(kind))
            #expect(a["device"]?["active"] == true)
            let b = try sidecar.result("device.register", ["token": token, "kind": .string(kind), "registrationId": .string(second)])
            #expect(b["device"]?["registrationId"] == .string(second))
            #expect(b["device"]?["id"] != a["device"]?["id"])
        }
        let list = try sidecar.result("device.list", ["token": token])
        let items = try #require(list["items"]?.arrayValue)
        #expect(items.compactMap { $0["kind"]?.stringValue } == ["apns", "gcm", "wns"])
        #expect(items.compactMap { $0["registrationId"]?.stringValue } == ["ff00ff", "gcm-second", "wns-second"])
        #expect(try sidecar.finish() == 0)
    }

    @Test func reRegisteringTheSameDeviceUpdatesItInPlace() throws {
        let sidecar = try Sidecar()
        let (_, token) = try sidecar.registerAndLogin("android@example.com")
        let a = try sidecar.result("device.register", ["token": token, "kind": "gcm", "registrationId": "fcm-1", "name": "Pixel", "deviceId": "0xFFFFFFFFFFFFFFFF"])
        #expect(a["device"]?["cloudMessageType"] == "FCM")
        #expect(a["device"]?["deviceId"] == -1)
        let b = try sidecar.result("device.register", ["token": token, "kind": "gcm", "registrationId": "fcm-1", "active": false, "cloudMessageType": "GCM"])
        #expect(b["device"]?["id"] == a["device"]?["id"])
        #expect(b["device"]?["name"] == "Pixel")
        #expect(b["device"]?["active"] == false)
        #expect(b["device"]?["cloudMessageType"] == "GCM")
        #expect(try sidecar.finish() == 0)
    }

    @Test func webPushDevicesAreManyAndAKnownSubscriptionIsUpdatedAndMovesToWhoeverRegistersIt() throws {
        let sidecar = try Sidecar()
        let (_, ana) = try sidecar.registerAndLogin("ana@example.com")
        let (budiId, budi) = try sidecar.registerAndLogin("budi@example.com")
        let keys: JSONObject = ["p256dh": "BPk3", "auth": "x9"]
        func register(_ token: JSONValue, _ id: String, _ extra: JSONObject = [:]) throws -> JSONValue {
            var params: JSONObject = ["token": token, "kind": "webpush", "registrationId": .string(id)]
            for (k, v) in keys { params[k] = v }
            for (k, v) in extra { params[k] = v }
            return try sidecar.result("device.register", .object(params))["device"]!
        }
        let one = try register(ana, "https://push.example/1")
        _ = try register(ana, "https://push.example/2", ["browser": "FIREFOX"])
        #expect(one["browser"] == "CHROME")
        #expect(try sidecar.result("device.list", ["token": ana])["items"]?.arrayValue?.count == 2)

        let again = try register(ana, "https://push.example/1", ["browser": "EDGE", "name": "work"])
        #expect(again["id"] == one["id"])
        #expect(again["browser"] == "EDGE")

        let moved = try register(budi, "https://push.example/1")
        #expect(moved["id"] == one["id"])
        #expect(moved["userId"] == .number(JSONNumber(budiId)))
        #expect(try sidecar.result("device.list", ["token": ana])["items"]?.arrayValue?.count == 1)
        #expect(try sidecar.result("device.list", ["token": budi])["items"]?[0]?["registrationId"] == "https://push.example/1")
        #expect(try sidecar.finish() == 0)
    }

    @Test func valuesAreCheckedPerKind() throws {
        let sidecar = try Sidecar()
        let (_, token) = try sidecar.registerAndLogin("checks@example.com")
        let cases: [(JSONObject, String, String)] = [
            (["kind": "apns", "registrationId": "not hex!"], "invalid_registration_id", "registrationId"),
            (["kind": "apns", "registrationId": .string(String(repeating: "a", count: 201))], "value_too_long", "registrationId"),
            (["kind": "blackberry", "registrationId": "x"], "invalid_choice", "kind"),
            (["kind": "webpush", "registrationId": "x", "p256dh": "k", "auth": "a", "browser": "NETSCAPE"], "invalid_choice", "browser"),
            (["kind": "webpush", "registrationId": "x", "auth": "a"], "value_required", "p256dh"),
            (["kind": "gcm", "registrationId": "x", "cloudMessageType": "APN"], "invalid_choice", "cloudMessageType"),
            (["kind": "apns", "registrationId": "abc", "p256dh": "k"], "not_applicable", "p256dh"),
            (["kind": "gcm", "registrationId": "x", "browser": "CHROME"], "not_applicable", "browser"),
            (["kind": "webpush", "registrationId": "x", "p256dh": "k", "auth": "a", "deviceId": 1], "not_applicable", "deviceId"),
            (["kind": "wns", "registrationId": "x", "deviceId": "nope"], "invalid_device_id", "deviceId"),
            (["kind": "gcm", "registrationId": "x", "deviceId": "0xZZ"], "invalid_device_id", "deviceId"),
            (["kind": "gcm", "registrationId": "x", "deviceId": -5], "invalid_device_id", "deviceId"),
            (["kind": "gcm", "registrationId": "  "], "value_required", "registrationId"),
        ]
        for (params, reason, field) in cases {
            var all = params
            all["token"] = token
            let error = try sidecar.error("device.register", .object(all))
            #expect(error["code"] == 1000, "\(params)")
            #expect(error["data"]?["reason"] == .string(reason), "\(params)")
            #expect(error["data"]?["field"] == .string(field), "\(params)")
        }
        let ok = try sidecar.result("device.register", ["token": token, "kind": "apns", "registrationId": "ABCDEF0123",
                                                        "deviceId": "6F9619FF-8B86-D011-B42D-00C04FC964FF"])
        #expect(ok["device"]?["deviceId"] == "6f9619ff-8b86-d011-b42d-00c04fc964ff")
        #expect(try sidecar.result("device.list", ["token": token])["items"]?.arrayValue?.count == 1)
        #expect(try sidecar.finish() == 0)
    }

    @Test func unregisterRemovesOnlyTheCallersDevice() throws {
        let sidecar = try Sidecar()
        let (_, ana) = try sidecar.registerAndLogin("ana@example.com")
        let (_, budi) = try sidecar.registerAndLogin("budi@example.com")
        _ = try sidecar.result("device.register", ["token": ana, "kind": "wns", "registrationId": "https://wns.example/ana"])
        let notMine = try sidecar.error("device.unregister", ["token": budi, "kind": "wns", "registrationId": "https://wns.example/ana"])
        #expect(notMine["code"] == 1003)
        let gone = try sidecar.result("device.unregister", ["token": ana, "kind": "wns", "registrationId": "https://wns.example/ana"])
        #expect(gone["deleted"] == true)
        #expect(try sidecar.result("device.list", ["token": ana])["items"] == [])
        #expect(try sidecar.error("device.unregister", ["token": ana, "kind": "wns", "registrationId": "https://wns.example/ana"])["code"] == 1003)
        #expect(try sidecar.finish() == 0)
    }

    @Test func targetsAreTheActiveDevicesOfAnActiveUserAndAdminOnly() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let (userId, user) = try sidecar.registerAndLogin("target@example.com")
        _ = try sidecar.result("device.register", ["token": user, "kind": "apns", "registrationId": "abcdef"])
        _ = try sidecar.result("device.register", ["token": user, "kind": "gcm", "registrationId": "fcm", "active": false])
        _ = try sidecar.result("device.register", ["token": user, "kind": "webpush", "registrationId": "wp", "p256dh": "k", "auth": "a"])

        let denied = try sidecar.error("device.targets", ["token": user, "userId": .number(JSONNumber(userId))])
        #expect(denied["code"] == 1002)
        #expect(denied["data"]?["permission"] == "push_notifications.view_gcmdevice")

        let targets = try sidecar.result("device.targets", ["token": root, "userId": .number(JSONNumber(userId))])
        #expect(targets["items"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } == ["apns", "webpush"])
        #expect(try sidecar.error("device.targets", ["token": root, "userId": 999])["code"] == 1003)

        _ = try sidecar.result("admin.user.update", ["token": root, "userId": .number(JSONNumber(userId)), "isActive": false])
        #expect(try sidecar.result("device.targets", ["token": root, "userId": .number(JSONNumber(userId))])["items"] == [])
        #expect(try sidecar.finish() == 0)
    }

    /// §3: a parameter of the wrong JSON type is -32602, one of the right type but the wrong form a validation error.
    @Test func aDeviceIdOfTheWrongJSONTypeIsInvalidParams() throws {
        let sidecar = try Sidecar()
        let (_, token) = try sidecar.registerAndLogin("phone@example.com")
        for bad: JSONValue in [true, ["a"], ["k": 1]] {
            let error = try sidecar.error("device.register", ["token": token, "kind": "gcm", "registrationId": "fcm-1", "deviceId": bad])
            #expect(error["code"] == -32602)
            #expect(error["data"]?["reason"] == "type")
            #expect(error["data"]?["field"] == "deviceId")
        }
        let format = try sidecar.error("device.register", ["token": token, "kind": "gcm", "registrationId": "fcm-1", "deviceId": "not hex"])
        #expect(format["data"]?["reason"] == "invalid_device_id")
        #expect(try sidecar.finish() == 0)
    }
}
