import GRDB

/// The user a valid session token stands for, as read in order on the writer.
public struct AuthUser: Sendable {
    public let id: Int64
    public let email: String
    public let isActive: Bool
    public let isStaff: Bool
    public let isSuperuser: Bool
    /// The session (dashed UUID) the token belongs to.
    public let sessionId: String

    init(row: Row, sessionId: String) {
        self.id = row["id"]
        self.email = row["email"]
        self.isActive = row["is_active"]
        self.isStaff = row["is_staff"]
        self.isSuperuser = row["is_superuser"]
        self.sessionId = sessionId
    }
}
