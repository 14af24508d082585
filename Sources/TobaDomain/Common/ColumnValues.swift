import TobaRPC
import TobaStore

/// Values to write, by column, in the order they were set: the one builder of the `INSERT` and
/// `UPDATE` statements whose columns depend on what a caller gave.
///
/// Built against a stored row (`changing:`), it keeps only real changes, whose column names go
/// into the admin log (Django logs `form.changed_data`).
struct ColumnValues {
    private let current: StoredRow?
    private(set) var assignments: [(column: String, value: SQLValue)] = []

    /// Values for a new row, or for an update that writes whatever is set.
    init() {
        self.current = nil
    }

    /// Changes to `current`: a value equal to the stored one is not kept.
    init(changing current: StoredRow) {
        self.current = current
    }

    var isEmpty: Bool { assignments.isEmpty }

    var columns: [String] { assignments.map(\.column) }

    /// The value set for `column`, if any.
    func value(of column: String) -> SQLValue? {
        assignments.last { $0.column == column }?.value
    }

    /// Sets `column` when a value is given (and, against a stored row, differs from it).
    mutating func set(_ column: String, _ value: (any SQLValueConvertible)?) {
        guard let value else { return }
        let new = value.sqlValue
        if let current, (current[column] ?? .null) == new { return }
        assignments.append((column, new))
    }

    /// Sets every value of `other`, in its order.
    mutating func set(_ other: ColumnValues) {
        for (column, value) in other.assignments { set(column, value) }
    }

    /// Sets a nullable JSON column from a patch (null clears it); against a stored row it
    /// compares values, not spelling.
    mutating func setJSON(_ column: String, _ patch: Patch<JSONValue>) {
        switch patch {
        case .absent: return
        case .null: set(column, SQLValue.null)
        case .value(let value):
            if let current {
                // Unreadable stored text (not JSON, not text) counts as different from any value given.
                let stored = String.decode(current[column] ?? .null).flatMap { try? JSONParser.parse(Array($0.utf8)) }
                if stored != value { assignments.append((column, value.databaseText.sqlValue)) }
            } else {
                set(column, value.databaseText)
            }
        }
    }

    /// Inserts a row of `table` with these values.
    func insert(_ db: any SQLConnection, into table: String) throws {
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: assignments.count).joined(separator: ", ")
        try db.execute(sql: "INSERT INTO \"\(table)\" (\(names)) VALUES (\(marks))", arguments: SQLArguments(assignments.map(\.value)))
    }

    /// Writes the values (and `extra`) to the row of `table` whose `id` is `id`; nothing when no
    /// value is set.
    func update(_ db: any SQLConnection, table: String, id: some SQLValueConvertible, extra: [(String, SQLValue)] = []) throws {
        guard !assignments.isEmpty else { return }
        let all = assignments.map { ($0.column, $0.value) } + extra
        let sets = all.map { "\"\($0.0)\" = ?" }.joined(separator: ", ")
        try db.execute(sql: "UPDATE \"\(table)\" SET \(sets) WHERE id = ?",
                       arguments: SQLArguments(all.map(\.1) + [id.sqlValue]))
    }

    /// Writes the changes and records them as one admin change (`django_admin_log`, action 2,
    /// the changed column names); does neither when nothing changed.
    func updateLogged(
        _ db: any SQLConnection, table: String, id: some SQLValueConvertible, extra: [(String, SQLValue)] = [],
        admin: AuthUser, model: (String, String), objectId: String, repr: String, at time: Timestamp
    ) throws {
        try update(db, table: table, id: id, extra: extra)
        try AdminLog.write(db, userId: admin.id, model: model, objectId: objectId, repr: repr,
                           action: .change, changedFields: columns, at: time)
    }
}
