import Foundation

/// Where answers go, and what is open: requests not yet answered and the bytes of their lines
/// (for a clean drain at exit, and for back-pressure: the reader stops reading while too much is
/// open), and the bytes of batch answers held until they are written.
///
/// One condition guards the counts; the reader waits on it for capacity and every change that
/// frees some (an answered request, written answer bytes) wakes it.
final class ResponseSink: @unchecked Sendable {
    let output: StdoutWriter
    let limits: TransportLimits
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var state = State()

    private struct State {
        var open = 0
        var openLineBytes = 0
        var heldAnswerBytes = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    init(output: StdoutWriter, limits: TransportLimits = TransportLimits()) {
        self.output = output
        self.limits = limits
    }

    private func withState<T>(_ body: (inout State) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(&state)
    }

    /// Requests read and not yet answered.
    var openRequests: Int { withState { $0.open } }

    /// A request was read; `lineBytes` is its share of the line it came in.
    func begin(lineBytes: Int) {
        withState { state in
            state.open += 1
            state.openLineBytes += lineBytes
        }
    }

    func end(lineBytes: Int) {
        let waiters = withState { state -> [CheckedContinuation<Void, Never>] in
            state.open -= 1
            state.openLineBytes -= lineBytes
            condition.broadcast()
            guard state.open == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Holds `bytes` of a batch answer against `limits.maxHeldAnswerBytes`; false when they do
    /// not fit (`force`: held anyway, for the small error that replaces a refused answer).
    func holdAnswer(_ bytes: Int, force: Bool = false) -> Bool {
        withState { state in
            guard force || state.heldAnswerBytes + bytes <= limits.maxHeldAnswerBytes else { return false }
            state.heldAnswerBytes += bytes
            return true
        }
    }

    /// The held bytes were written (or dropped).
    func releaseAnswer(_ bytes: Int) {
        withState { state in
            state.heldAnswerBytes -= bytes
            condition.broadcast()
        }
    }

    /// Blocks the calling (reader) thread until `requests` more requests from a line of
    /// `lineBytes` bytes fit, so a flood of input cannot grow memory without bound. Whatever the
    /// sizes, it returns once nothing is open (progress for a line as large as the framer allows).
    func waitForCapacity(requests: Int, lineBytes: Int) {
        condition.lock()
        defer { condition.unlock() }
        while state.open > 0 && (state.open + requests > limits.maxOpenRequests
            || state.openLineBytes + lineBytes > limits.maxOpenLineBytes
            || state.heldAnswerBytes >= limits.maxHeldAnswerBytes / 2) {
            condition.wait()
        }
    }

    /// Returns once every request begun so far has been answered.
    func waitUntilIdle() async {
        await withCheckedContinuation { continuation in
            let idle = withState { state -> Bool in
                if state.open == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
