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
            // Clamped to years 0001…9999 so no step, however large, can overflow.
            let micros = (Double(base.microseconds) + seconds * 1_000_000).rounded()
            let next = Timestamp(microseconds: Int64(min(max(micros, Double(Timestamp.earliest.microseconds)),
                                                         Double(Timestamp.latest.microseconds))))
            value = next
            return next
        }
    }
}
