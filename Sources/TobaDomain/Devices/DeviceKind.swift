/// The four kinds of push-notification device of django-push-notifications, each with its table.
package enum DeviceKind: String, Sendable, CaseIterable {
    case apns, gcm, webpush, wns

    /// `kind` as given by a caller; `invalid_choice` (field `kind`) otherwise.
    package init(choice: String) throws(DomainError) {
        guard let kind = DeviceKind(rawValue: choice) else { throw DomainError(.invalidChoice, field: "kind") }
        self = kind
    }

    var table: String { "push_notifications_\(rawValue)device" }

    /// APNS, GCM and WNS devices are one per user (`user_id` unique); web-push devices are many.
    var onePerUser: Bool { self != .webpush }

    /// The optional parameters that make sense for this kind; any other given is `not_applicable`.
    var ownParameters: Set<String> {
        switch self {
        case .apns, .wns: ["deviceId"]
        case .gcm: ["deviceId", "cloudMessageType"]
        case .webpush: ["p256dh", "auth", "browser"]
        }
    }

    /// Browsers of web-push devices.
    static let browsers: Set<String> = ["CHROME", "FIREFOX", "OPERA", "EDGE", "SAFARI"]

    /// Cloud message types of GCM devices.
    static let cloudMessageTypes: Set<String> = ["FCM", "GCM"]
}
