import Foundation

/// One request's place in arrival order. Its state is guarded by the queue's lock.
final class Slot<Context>: @unchecked Sendable {
    enum State {
        case pending
        case effect(@Sendable (Context) throws -> Outcome)
        case skip
        /// Handed to the writer.
        case taken
    }

    var state: State = .pending
    let responder: Responder
    let footprint: Footprint
    /// Who this request is in log lines.
    let label: RequestLogContext.Label

    init(responder: Responder, footprint: Footprint, label: RequestLogContext.Label, state: State = .pending) {
        self.responder = responder
        self.footprint = footprint
        self.label = label
        self.state = state
    }

    var isSettled: Bool {
        switch state {
        case .skip, .taken: true
        case .pending, .effect: false
        }
    }
}

/// The arrival-ordered queue between the concurrent preparation stage and the single writer.
/// The writer takes every prepared slot that conflicts with no earlier slot still waiting (being
/// prepared, or itself blocked): a request waits only for earlier requests it conflicts with, and
/// conflicting requests are applied in arrival order, so every client observes arrival order.
final class OrderedQueue<Context>: @unchecked Sendable {
    /// How far past the oldest waiting request the writer looks for work: bounds the cost of one
    /// look when thousands of requests are still hashing.
    /// (A look costs one set insertion per waiting request; 1,024 is far more than a burst of
    /// registrations that a cheap request should pass, and keeps a flood of them cheap.)
    static var lookahead: Int { 1024 }

    private let condition = NSCondition()
    private var slots: [Slot<Context>] = []
    private var head = 0
    private var closed = false

    /// Takes `slot` in arrival order; false once closed (the writer may already have finished).
    func append(_ slot: Slot<Context>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        slots.append(slot)
        // Already prepared (while decoding): the writer may take it at once.
        if case .effect = slot.state { condition.signal() }
        return true
    }

    func resolve(_ slot: Slot<Context>, _ state: Slot<Context>.State) {
        condition.lock()
        slot.state = state
        condition.signal()
        condition.unlock()
    }

    func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }

    /// Blocks until at least one slot may be applied, then returns every slot that may be applied
    /// now (at most `max`), in arrival order. Returns nil once closed and empty.
    func nextGroup(max: Int) -> [(Slot<Context>, @Sendable (Context) throws -> Outcome)]? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let group = takeReady(max: max)
            while head < slots.count, slots[head].isSettled { head += 1 }
            if head > 1024, head * 2 > slots.count {
                slots.removeFirst(head)
                head = 0
            }
            if !group.isEmpty { return group }
            if closed && head == slots.count { return nil }
            condition.wait()
        }
    }

    private func takeReady(max: Int) -> [(Slot<Context>, @Sendable (Context) throws -> Outcome)] {
        var group: [(Slot<Context>, @Sendable (Context) throws -> Outcome)] = []
        var waiting = FootprintUnion()
        var index = head
        let end = min(slots.count, head + Self.lookahead)
        while index < end, group.count < max {
            let slot = slots[index]
            switch slot.state {
            case .skip, .taken:
                break
            case .pending:
                waiting.add(slot.footprint)
                // Nothing after a waiting `everything` request may pass it.
                if slot.footprint.everything { return group }
            case .effect(let effect):
                if waiting.conflicts(with: slot.footprint) {
                    waiting.add(slot.footprint)
                } else {
                    slot.state = .taken
                    group.append((slot, effect))
                }
            }
            index += 1
        }
        return group
    }
}
