import TobaStore

/// The user a valid session token stands for, as read in order on the writer.
public struct AuthUser: Sendable {
    public let id: Int64
    public let email: String
    public let isActive: Bool
    public let isStaff: Bool
    public let isSuperuser: Bool
    /// The session (dashed UUID) the token belongs to.
    public let sessionId: String

    init(row: StoredRow, sessionId: String) throws {
        self.id = try row.read("id")
        self.email = try row.read("email")
        self.isActive = try row.read("is_active")
        self.isStaff = try row.read("is_staff")
        self.isSuperuser = try row.read("is_superuser")
        self.sessionId = sessionId
    }
}
