import Synchronization

/// Collects the answers of one batch and writes them as one line once all have answered.
/// Notifications in a batch take no place in it. Each answer is kept as its JSON bytes, counted
/// against the batch's bound and the bound of all held answers (`TransportLimits`): an answer
/// that would pass either is replaced by a short `-32600 too_large` error object (counted too),
/// so 1,000 copies of a large document cannot build a line of hundreds of MB: the line holds at
/// most the bound plus one such error per member.
final class BatchCollector: Sendable {
    private struct State {
        var slots: [[UInt8]?]
        var remaining: Int
        /// Bytes held for this batch (answers plus one separator each).
        var bytes = 0
    }

    private let state: Mutex<State>
    private let sink: ResponseSink

    init(count: Int, sink: ResponseSink) {
        self.state = Mutex(State(slots: Array(repeating: nil, count: count), remaining: count))
        self.sink = sink
    }

    /// `outcome` nil: the member was abandoned and takes no place in the answer.
    func fill(_ index: Int, id: RequestID, outcome: Result<JSONValue, RPCError>?) {
        let encoded = outcome.map { JSONWriter.bytes(Response(id: id, outcome: $0).json) }
        let complete = state.withLock { state -> (frame: [UInt8], held: Int)? in
            if var answer = encoded {
                let fits = state.bytes + answer.count + 1 <= sink.limits.maxBatchAnswerBytes
                if !(fits && sink.holdAnswer(answer.count + 1)) {
                    answer = JSONWriter.bytes(Response(id: id, outcome: .failure(Self.tooLarge(sink.limits))).json)
                    _ = sink.holdAnswer(answer.count + 1, force: true)
                }
                state.bytes += answer.count + 1
                state.slots[index] = answer
            }
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            return (Self.join(&state.slots, capacity: state.bytes + 1), state.bytes)
        }
        guard let complete else { return }
        if complete.frame.count > 2 { sink.output.writeFrame(complete.frame) }
        sink.releaseAnswer(complete.held)
    }

    /// `[a,b,…]`, releasing each member's bytes as it is copied.
    private static func join(_ slots: inout [[UInt8]?], capacity: Int) -> [UInt8] {
        var frame: [UInt8] = []
        frame.reserveCapacity(capacity)
        frame.append(UInt8(ascii: "["))
        for index in slots.indices {
            guard let answer = slots[index] else { continue }
            if frame.count > 1 { frame.append(UInt8(ascii: ",")) }
            frame.append(contentsOf: answer)
            slots[index] = nil
        }
        frame.append(UInt8(ascii: "]"))
        return frame
    }

    /// What a member gets whose answer would make the batch's line too large. The member did
    /// run (a write took effect); only its answer is not delivered.
    static func tooLarge(_ limits: TransportLimits) -> RPCError {
        var error = RPCError.invalidRequest(.tooLarge)
        error.data["detail"] = .string("answer too large for a batch; the request ran: send it alone")
        return error
    }
}
