import Synchronization
import TobaStore

/// The service's notion of now. Real time, unless a test clock was set (`system.clock.set`,
/// only with `--allow-test-clock`): from then on time stands still at the set instant and moves
/// only by `advance`, so a test is exactly repeatable.
public final class ServiceClock: Sendable {
    private let frozen = Mutex<Timestamp?>(nil)

    public init() {}

    public func now() -> Timestamp {
        frozen.withLock { $0 } ?? Timestamp.now()
    }

    public func set(_ instant: Timestamp) {
        frozen.withLock { $0 = instant }
    }

    @discardableResult
    public func advance(seconds: Double) -> Timestamp {
        frozen.withLock { value in
            let base = value ?? Timestamp.now()
            let next = Timestamp(microseconds: base.microseconds + Int64((seconds * 1_000_000).rounded()))
            value = next
            return next
        }
    }
}
