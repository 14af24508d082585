import TobaStore

/// The user a valid session token stands for, as read in order on the writer.
package struct AuthUser: Sendable {
    package let id: Int64
    package let email: String
    package let isActive: Bool
    package let isStaff: Bool
    package let isSuperuser: Bool
    /// The session (dashed UUID) the token belongs to.
    package let sessionId: String

    init(row: StoredRow, sessionId: String) throws {
        self.id = try row.read("id")
        self.email = try row.read("email")
        self.isActive = try row.read("is_active")
        self.isStaff = try row.read("is_staff")
        self.isSuperuser = try row.read("is_superuser")
        self.sessionId = sessionId
    }
}
