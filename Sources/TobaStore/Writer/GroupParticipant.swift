/// In-memory state that must agree with what the database committed (rate-limit windows):
/// the ordered writer tells it where each group and each request begins and how it ends, so it
/// can undo what a rolled-back request or an aborted group did. Called only on the writer
/// thread, in this order: `groupBegan`, then per request `requestBegan` (and
/// `requestRolledBack` if its savepoint rolled back), then `groupCommitted` or `groupAborted`.
public protocol GroupParticipant: Sendable {
    /// A group's transaction began: changes from now on belong to it.
    func groupBegan()
    /// A request of the open group starts applying.
    func requestBegan()
    /// The current request failed and its savepoint rolled back: undo what it did, except what
    /// is meant to outlive the request's own failure (a failed attempt that counts).
    func requestRolledBack()
    /// The group's transaction committed: its changes stay.
    func groupCommitted()
    /// The group's transaction rolled back (or never committed): undo everything it did.
    func groupAborted()
}
