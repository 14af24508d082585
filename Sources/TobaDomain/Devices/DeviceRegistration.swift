package import TobaRPC
import TobaStore

extension Devices {
    /// The parameters of `device.register`, as given.
    package struct Registration: Sendable {
        package var kind: String
        package var registrationId: String
        package var name: String?
        /// A UUID string (apns, wns), or an integer or hex string (gcm).
        package var deviceId: JSONValue?
        package var applicationId: String?
        package var active: Bool?
        package var cloudMessageType: String?
        package var p256dh: String?
        package var auth: String?
        package var browser: String?

        package init(kind: String, registrationId: String, name: String? = nil, deviceId: JSONValue? = nil,
                    applicationId: String? = nil, active: Bool? = nil, cloudMessageType: String? = nil,
                    p256dh: String? = nil, auth: String? = nil, browser: String? = nil) {
            self.kind = kind
            self.registrationId = registrationId
            self.name = name
            self.deviceId = deviceId
            self.applicationId = applicationId
            self.active = active
            self.cloudMessageType = cloudMessageType
            self.p256dh = p256dh
            self.auth = auth
            self.browser = browser
        }

        /// The kind-specific parameters the caller gave.
        var givenKindParameters: [String] {
            [("deviceId", deviceId != nil), ("cloudMessageType", cloudMessageType != nil), ("p256dh", p256dh != nil),
             ("auth", auth != nil), ("browser", browser != nil)].filter(\.1).map(\.0)
        }
    }

    /// A registration whose values passed every rule: the columns to write.
    struct CheckedRegistration {
        let kind: DeviceKind
        let registrationId: String
        /// Every column of a new device.
        var insertColumns = ColumnValues()
        /// The columns given by the caller (or always written): an update of a known device writes only these.
        var updateColumns = ColumnValues()
        /// A parameter a new device needs but the caller left out (web push keys); a known
        /// device keeps its stored value.
        var missingForNewDevice: String?

        init(kind: DeviceKind, registrationId: String) {
            self.kind = kind
            self.registrationId = registrationId
        }

        /// Sets `column` of a new device, and of an update when `given` (a nil value is NULL).
        mutating func set(_ column: String, _ value: some SQLValueConvertible, given: Bool) {
            insertColumns.set(column, value)
            if given { updateColumns.set(column, value) }
        }
    }

    /// Checks the values of a registration; nothing here depends on stored state.
    static func check(_ r: Registration) throws(DomainError) -> CheckedRegistration {
        let kind = try DeviceKind(choice: r.kind)
        for field in r.givenKindParameters where !kind.ownParameters.contains(field) {
            throw DomainError(.notApplicable, field: field)
        }
        try checkRegistrationId(r.registrationId, kind: kind)
        try Validate.length(r.name, max: 225, field: "name")
        try Validate.length(r.applicationId, max: 64, field: "applicationId")
        var checked = CheckedRegistration(kind: kind, registrationId: r.registrationId)
        checked.set("registration_id", r.registrationId, given: true)
        checked.set("active", r.active ?? true, given: true)
        checked.set("name", r.name, given: r.name != nil)
        checked.set("application_id", r.applicationId, given: r.applicationId != nil)
        switch kind {
        case .apns, .wns:
            checked.set("device_id", try uuidDeviceId(r.deviceId), given: r.deviceId != nil)
        case .gcm:
            checked.set("device_id", try gcmDeviceId(r.deviceId), given: r.deviceId != nil)
            let type = r.cloudMessageType ?? "FCM"
            guard DeviceKind.cloudMessageTypes.contains(type) else { throw DomainError(.invalidChoice, field: "cloudMessageType") }
            checked.set("cloud_message_type", type, given: r.cloudMessageType != nil)
        case .webpush:
            let browser = r.browser ?? "CHROME"
            guard DeviceKind.browsers.contains(browser) else { throw DomainError(.invalidChoice, field: "browser") }
            for (field, value, max) in [("p256dh", r.p256dh, 88), ("auth", r.auth, 24)] {
                guard let value else { checked.missingForNewDevice = checked.missingForNewDevice ?? field; continue }
                if value.isEmpty { throw DomainError(.valueRequired, field: field) }
                try Validate.length(value, max: max, field: field)
                checked.set(field, value, given: true)
            }
            checked.set("browser", browser, given: r.browser != nil)
        }
        return checked
    }

    /// Not blank; APNS ids are hex (`^(0x)?[0-9a-fA-F]+$`) of at most 200 characters.
    static func checkRegistrationId(_ id: String, kind: DeviceKind) throws(DomainError) {
        try Validate.nonBlank(id, field: "registrationId")
        guard kind == .apns else { return }
        try Validate.length(id, max: 200, field: "registrationId")
        let digits = id.hasPrefix("0x") ? id.dropFirst(2) : Substring(id)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
            throw DomainError(.invalidRegistrationId, field: "registrationId")
        }
    }

    /// APNS and WNS device ids are UUIDs, stored as 32 hex characters.
    static func uuidDeviceId(_ value: JSONValue?) throws(DomainError) -> SQLValue {
        guard let value else { return .null }
        guard let text = value.stringValue, let storage = UUIDText.storage(text) else {
            throw DomainError(.invalidDeviceId, field: "deviceId")
        }
        return storage.sqlValue
    }

    /// GCM device ids are unsigned 64-bit integers, given as a JSON integer or, as
    /// django-push-notifications' `HexIntegerField` takes them, a hex string (`0x` optional).
    /// Like that field on SQLite and PostgreSQL, values of 2^63 and more are stored as their
    /// signed 64-bit two's complement.
    static func gcmDeviceId(_ value: JSONValue?) throws(DomainError) -> SQLValue {
        guard let value else { return .null }
        if let number = value.int64Value, number >= 0 { return number.sqlValue }
        if let text = value.stringValue {
            let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? text.dropFirst(2) : Substring(text)
            if (1...16).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isHexDigit }),
               let unsigned = UInt64(digits, radix: 16) {
                return Int64(bitPattern: unsigned).sqlValue
            }
        }
        throw DomainError(.invalidDeviceId, field: "deviceId")
    }
}
