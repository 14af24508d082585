import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.9 `device.register`: "registering a known one updates it", also for a web-push
/// subscription registered again without its keys.
@Suite struct DeviceRegistrationTests {
    @Test func aKnownWebPushSubscriptionIsUpdatedWithoutItsKeysButANewOneNeedsThem() async throws {
        // Given a browser's web-push subscription with its keys
        let t = try await TestDatabase()
        let browser = try t.user("browser@example.com")
        func register(_ registration: Devices.Registration) throws -> JSONValue? {
            try t.call(as: browser) { user, db in try t.services.devices.register(db, user: user, registration) }["device"]
        }
        let first = try register(Devices.Registration(kind: "webpush", registrationId: "https://push.example/1", p256dh: "BPk3", auth: "x9"))
        // When it is registered again with a name and a browser but no keys
        let again = try register(Devices.Registration(kind: "webpush", registrationId: "https://push.example/1", name: "work", browser: "FIREFOX"))
        // Then the same device is updated and keeps its keys
        #expect(again?["id"] == first?["id"])
        #expect(again?["name"] == "work")
        #expect(again?["browser"] == "FIREFOX")
        #expect(again?["p256dh"] == "BPk3")
        #expect(again?["auth"] == "x9")
        // And a new subscription without `p256dh` is refused, naming it
        let missing = #expect(throws: DomainError.self) {
            try register(Devices.Registration(kind: "webpush", registrationId: "https://push.example/2", auth: "x9"))
        }
        #expect(missing == DomainError(.valueRequired, field: "p256dh"))
    }
}
