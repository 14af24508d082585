import TobaStore

/// Keeps the limiter in step with what the database committed (PROTOCOL.md §4: a failed request
/// leaves no trace). The ordered writer reports each group and request; the limiter journals how
/// to undo each change while a group is open:
/// - a request that rolls back undoes its `record`s and `reset`s, but keeps its `recordFailure`s
///   (the failure is the attempt that must count);
/// - a group whose transaction does not commit undoes everything it did, failures included (its
///   requests are answered a storage error or tried again one by one, which records them anew).
extension RateLimiter: GroupParticipant {
    struct Undo {
        enum Action {
            /// Remove the event recorded at this instant.
            case removeEvent(String, Int64)
            /// Put back the events a reset removed.
            case restore(String, Events)
        }

        let action: Action
        /// A failed attempt's record: it stays when only its request rolls back.
        let outlivesRequest: Bool
    }

    public func groupBegan() {
        state.withLock { state in
            state.journal = []
            state.requestStart = 0
        }
    }

    public func requestBegan() {
        state.withLock { state in state.requestStart = state.journal?.count ?? 0 }
    }

    public func requestRolledBack() {
        state.withLock { state in
            guard let journal = state.journal, state.requestStart < journal.count else { return }
            let own = journal[state.requestStart...]
            for entry in own.reversed() where !entry.outlivesRequest { Self.undo(entry.action, in: &state) }
            state.journal = Array(journal[..<state.requestStart]) + own.filter(\.outlivesRequest)
        }
    }

    public func groupCommitted() {
        state.withLock { state in state.journal = nil }
    }

    public func groupAborted() {
        state.withLock { state in
            for entry in (state.journal ?? []).reversed() { Self.undo(entry.action, in: &state) }
            state.journal = nil
        }
    }

    private static func undo(_ action: Undo.Action, in state: inout State) {
        switch action {
        case .removeEvent(let key, let time):
            guard var events = state.keys[key], let index = events.times.lastIndex(of: time) else { return }
            events.times.remove(at: index)
            state.keys[key] = events
        case .restore(let key, let removed):
            var events = state.keys[key] ?? Events()
            events.times = removed.times + events.times
            events.keepUntil = max(events.keepUntil, removed.keepUntil)
            state.keys[key] = events
        }
    }
}
