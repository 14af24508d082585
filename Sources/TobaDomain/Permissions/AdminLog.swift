import Foundation
import TobaRPC
package import TobaStore

/// Rows of `django_admin_log`, written for every change made through an admin method, in the
/// form Django's admin writes them: action_flag 1 add, 2 change, 3 delete; change_message a JSON
/// list (`[{"added": {}}]`, `[{"changed": {"fields": ["is_active"]}}]`, `[]` for a deletion).
package enum AdminLog {
    package enum Action: Int, Sendable {
        case addition = 1, change = 2, deletion = 3
    }

    /// - Parameters:
    ///   - model: `(app_label, model)` of the changed object's content type.
    ///   - changedFields: the column names changed (for `.change`); an empty change writes nothing.
    package static func write(
        _ db: any SQLConnection, userId: Int64, model: (String, String), objectId: String, repr: String,
        action: Action, changedFields: [String] = [], at time: Timestamp
    ) throws {
        let message: JSONValue
        switch action {
        case .addition: message = [["added": [:]]]
        case .change:
            guard !changedFields.isEmpty else { return }
            message = [["changed": ["fields": .array(changedFields.map(JSONValue.string))]]]
        case .deletion: message = []
        }
        let contentType = try Int64.fetchOne(
            db, sql: "SELECT id FROM django_content_type WHERE app_label = ? AND model = ?", arguments: [model.0, model.1])
        try db.execute(sql: """
            INSERT INTO django_admin_log (action_time, user_id, content_type_id, object_id, object_repr, action_flag, change_message)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [time, userId, contentType, objectId, Validate.clip(repr, max: 200), action.rawValue, pythonJSON(message)])
    }

    /// The text Python's `json.dumps` writes (Django stores `change_message` with it): `", "`
    /// between items and `": "` after keys, non-ASCII escaped as `\uXXXX`.
    static func pythonJSON(_ value: JSONValue) -> String {
        switch value {
        case .array(let items):
            return "[" + items.map(pythonJSON).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + object.map { pythonJSON(.string($0.key)) + ": " + pythonJSON($0.value) }.joined(separator: ", ") + "}"
        case .string(let text):
            return JSONWriter.string(.string(text)).unicodeScalars.map { scalar in
                scalar.isASCII ? String(scalar) : String(scalar.utf16.map { String(format: "\\u%04x", $0) }.joined())
            }.joined()
        default:
            return JSONWriter.string(value)
        }
    }
}
