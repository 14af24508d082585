import Synchronization
package import TobaStore

/// The service's notion of now. Real time, unless a test clock was set (`system.clock.set`,
/// only with `--allow-test-clock`): from then on time stands still at the set instant and moves
/// only by `advance`, so a test is exactly repeatable.
package final class ServiceClock: Sendable {
    private let frozen = Mutex<Timestamp?>(nil)

    package init() {}

    package func now() -> Timestamp {
        frozen.withLock { $0 } ?? Timestamp.now()
    }

    package func set(_ instant: Timestamp) {
        let before = frozen.withLock { value in defer { value = instant }; return value }
        undoOnRollback(restoring: before)
    }

    @discardableResult
    package func advance(seconds: Double) -> Timestamp {
        let (before, next) = frozen.withLock { value -> (Timestamp?, Timestamp) in
            let base = value ?? Timestamp.now()
            // Clamped to years 0001…9999 so no step, however large, can overflow.
            let micros = (Double(base.microseconds) + seconds * 1_000_000).rounded()
            let next = Timestamp(microseconds: Int64(min(max(micros, Double(Timestamp.earliest.microseconds)),
                                                         Double(Timestamp.latest.microseconds))))
            defer { value = next }
            return (value, next)
        }
        undoOnRollback(restoring: before)
        return next
    }

    /// On the ordered writer, a change of a request or group that does not commit is undone
    /// (a group retried one request at a time must not move the clock twice).
    private func undoOnRollback(restoring before: Timestamp?) {
        GroupJournal.current?.register { [self] in frozen.withLock { $0 = before } }
    }
}
