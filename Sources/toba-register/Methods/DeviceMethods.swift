import TobaDomain
import TobaRPC
import TobaStore

/// §8.9 Push devices.
enum DeviceMethods {
    static func all(_ services: Services) -> [Method<any SQLConnection>] {
        let devices = services.devices
        let sessions = services.sessions
        return [
            Bind.authed("device.register", sessions, decode: { p in
                Devices.Registration(
                    kind: try p.required("kind"), registrationId: try p.required("registrationId"),
                    name: try p.optional("name"), deviceId: try deviceId(&p),
                    applicationId: try p.optional("applicationId"), active: try p.optional("active"),
                    cloudMessageType: try p.optional("cloudMessageType"), p256dh: try p.optional("p256dh"),
                    auth: try p.optional("auth"), browser: try p.optional("browser"))
            }) { registration, user, db in
                try devices.register(db, user: user, registration)
            },
            Bind.authed("device.list", sessions, decode: { p in try p.page() }) { page, user, db in
                try devices.list(db, user: user, page: page)
            },
            Bind.authed("device.unregister", sessions, decode: { p in
                (kind: try p.required("kind", as: String.self), registrationId: try p.required("registrationId", as: String.self))
            }) { input, user, db in
                try devices.unregister(db, user: user, kind: input.kind, registrationId: input.registrationId)
            },
            Bind.admin("device.targets", sessions, permission: .pushNotificationsViewGcmdevice, decode: { p in
                (userId: try p.required("userId", as: Int64.self), page: try p.page())
            }) { input, _, db in
                try devices.targets(db, userId: input.userId, page: input.page)
            },
        ]
    }

    /// `deviceId?`: a string (UUID, hex) or an integer; its format is the domain's to check.
    static func deviceId(_ p: inout Params) throws -> JSONValue? {
        let value: JSONValue? = try p.optional("deviceId")
        switch value {
        case nil, .string?, .number?: return value
        default: throw RPCError.invalidParams(.type, field: "deviceId", detail: "expected string or integer")
        }
    }
}
