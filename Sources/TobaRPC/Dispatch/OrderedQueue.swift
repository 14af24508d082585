import Foundation

/// One request's place in arrival order. Its state is guarded by the queue's lock.
final class Slot<Context>: @unchecked Sendable {
    enum State {
        case pending
        case effect(@Sendable (Context) throws -> Outcome)
        case skip
    }

    var state: State = .pending
    let responder: Responder

    init(responder: Responder) {
        self.responder = responder
    }
}

/// The arrival-ordered queue between the concurrent preparation stage and the single writer.
/// The writer takes the longest prefix of prepared slots (a group); a slot still being prepared
/// blocks everything after it, which is exactly the ordering contract.
final class OrderedQueue<Context>: @unchecked Sendable {
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

    /// Blocks until the first slot is prepared, then returns it with every prepared slot right
    /// behind it (at most `max` effects). Returns nil once closed and empty.
    func nextGroup(max: Int) -> [(Slot<Context>, @Sendable (Context) throws -> Outcome)]? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            var group: [(Slot<Context>, @Sendable (Context) throws -> Outcome)] = []
            while head < slots.count, group.count < max {
                let slot = slots[head]
                if case .pending = slot.state { break }
                if case .effect(let effect) = slot.state { group.append((slot, effect)) }
                head += 1
            }
            if head > 1024, head * 2 > slots.count {
                slots.removeFirst(head)
                head = 0
            }
            if !group.isEmpty { return group }
            if closed && head == slots.count { return nil }
            condition.wait()
        }
    }
}
