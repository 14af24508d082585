import Synchronization

/// Flipped once by a signal or by system.shutdown; stops reading and lets the pipeline drain.
final class ShutdownSwitch: Sendable {
    private let actions = Mutex<(triggered: Bool, handlers: [@Sendable () -> Void])>((false, []))

    func onShutdown(_ handler: @escaping @Sendable () -> Void) {
        let runNow = actions.withLock { state -> Bool in
            if state.triggered { return true }
            state.handlers.append(handler)
            return false
        }
        if runNow { handler() }
    }

    func trigger() {
        let handlers = actions.withLock { state -> [@Sendable () -> Void] in
            guard !state.triggered else { return [] }
            state.triggered = true
            return state.handlers
        }
        handlers.forEach { $0() }
    }
}
