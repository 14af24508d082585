/// How to undo the in-memory changes (rate-limit windows) made by the requests of the group
/// being applied, so that in-memory state agrees with what the database committed (PROTOCOL.md
/// §4: a failed request leaves no trace). The ordered writer opens one per transaction and makes
/// it `current` while the group's effects run; code that changes in-memory state registers an
/// undo with `GroupJournal.current` (nil outside the writer: changes are then final at once), so
/// every such state is covered without being wired to the writer.
///
/// - A request whose savepoint rolls back undoes its changes, except those registered as
///   `outlivesRequest` (a failed attempt that counts although its request fails).
/// - A transaction that does not commit undoes every change of the group, in reverse order.
///
/// Used only on the writer's thread, inside one group.
package final class GroupJournal: @unchecked Sendable {
    /// The journal of the group being applied on this thread.
    @TaskLocal package static var current: GroupJournal?

    private var entries: [(undo: () -> Void, outlivesRequest: Bool)] = []
    private var requestStart = 0

    package init() {}

    /// Registers how to undo a change just made.
    package func register(outlivesRequest: Bool = false, undo: @escaping () -> Void) {
        entries.append((undo, outlivesRequest))
    }

    /// The next request of the group starts applying.
    package func requestBegan() {
        requestStart = entries.count
    }

    /// The current request's savepoint rolled back.
    package func requestRolledBack() {
        let own = entries[requestStart...]
        for entry in own.reversed() where !entry.outlivesRequest { entry.undo() }
        entries = Array(entries[..<requestStart]) + own.filter(\.outlivesRequest)
    }

    /// The group's transaction did not commit.
    package func groupAborted() {
        for entry in entries.reversed() { entry.undo() }
        entries = []
    }
}
