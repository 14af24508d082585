import Foundation
import Testing
import TobaRPC

/// §8.9 `device.register`: "registering a known one updates it" also for a web-push subscription
/// re-registered without its keys; §3 a parameter of the wrong JSON type is -32602.
@Suite struct AuditContentDeviceTests {
    @Test func aKnownWebPushSubscriptionIsUpdatedWithoutItsKeysButANewOneNeedsThem() throws {
        let sidecar = try Sidecar()
        let (_, token) = try sidecar.registerAndLogin("browser@example.com")
        let first = try sidecar.result("device.register", ["token": token, "kind": "webpush", "registrationId": "https://push.example/1",
                                                           "p256dh": "BPk3", "auth": "x9"])["device"]
        let again = try sidecar.result("device.register", ["token": token, "kind": "webpush", "registrationId": "https://push.example/1",
                                                           "name": "work", "browser": "FIREFOX"])["device"]
        #expect(again?["id"] == first?["id"])
        #expect(again?["name"] == "work")
        #expect(again?["browser"] == "FIREFOX")
        #expect(again?["p256dh"] == "BPk3")
        #expect(again?["auth"] == "x9")
        let missing = try sidecar.error("device.register", ["token": token, "kind": "webpush", "registrationId": "https://push.example/2", "auth": "x9"])
        #expect(missing["code"] == 1000)
        #expect(missing["data"] == ["reason": "value_required", "field": "p256dh"])
        #expect(try sidecar.finish() == 0)
    }

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
