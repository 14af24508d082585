import TobaRPC
import TobaStore

/// The columns an admin update sets, compared with the stored row: only real changes are
/// written, and their column names go into the admin log (Django logs `form.changed_data`).
struct ColumnChanges {
    private let current: StoredRow
    private(set) var assignments: [(column: String, value: SQLValue)] = []

    init(current: StoredRow) {
        self.current = current
    }

    var changedColumns: [String] { assignments.map(\.column) }

    /// Sets `column` when a value is given and differs from the stored one.
    mutating func set(_ column: String, _ value: (any SQLValueConvertible)?) {
        guard let value else { return }
        let new = value.sqlValue
        if (current[column] ?? .null) != new { assignments.append((column, new)) }
    }

    /// Sets a nullable JSON column from a patch (null clears it), comparing values, not spelling.
    mutating func setJSON(_ column: String, _ patch: Patch<JSONValue>) {
        // Unreadable stored text (not JSON, not text) counts as different from any value given.
        let raw = (current[column] ?? .null)
        let stored = String.decode(raw).flatMap { try? JSONParser.parse(Array($0.utf8)) }
        switch patch {
        case .absent: return
        case .null: if !raw.isNull { assignments.append((column, .null)) }
        case .value(let value): if stored != value { assignments.append((column, value.databaseText.sqlValue)) }
        }
    }

    /// Writes the changes to the row of `table` whose `id` is `id`; nothing when nothing changed.
    func apply(_ db: any SQLConnection, table: String, id: some SQLValueConvertible, extra: [(String, SQLValue)] = []) throws {
        guard !assignments.isEmpty else { return }
        let all = assignments.map { ($0.column, $0.value) } + extra
        let sets = all.map { "\"\($0.0)\" = ?" }.joined(separator: ", ")
        try db.execute(sql: "UPDATE \"\(table)\" SET \(sets) WHERE id = ?",
                       arguments: SQLArguments(all.map(\.1) + [id.sqlValue]))
    }

    /// Writes the changes and records them as one admin change (`django_admin_log`, action 2,
    /// the changed column names); does neither when nothing changed.
    func applyLogged(
        _ db: any SQLConnection, table: String, id: some SQLValueConvertible, extra: [(String, SQLValue)] = [],
        admin: AuthUser, model: (String, String), objectId: String, repr: String, at time: Timestamp
    ) throws {
        try apply(db, table: table, id: id, extra: extra)
        try AdminLog.write(db, userId: admin.id, model: model, objectId: objectId, repr: repr,
                           action: .change, changedFields: changedColumns, at: time)
    }
}
