import Dispatch
import Logging
import TobaDomain
import TobaStore

/// The periodic sweep of §8.6: every `subscriptions.sweepIntervalSeconds` (real time) it expires
/// lapsed subscriptions, as of the service clock (so a test clock drives it too), and deletes
/// idempotency entries older than 24 h. Each sweep is one write transaction beside the ordered
/// pipeline's (GRDB serializes them in this process, SQLite across processes).
final class Maintenance {
    private let queue = DispatchQueue(label: "toba-register.maintenance")
    private let timer: any DispatchSourceTimer
    private var started = false

    init(services: Services) {
        let interval = DispatchTimeInterval.seconds(Int(services.settings.subscriptionSweepSeconds))
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler {
            Maintenance.sweep(services)
        }
    }

    static func sweep(_ services: Services) {
        do {
            let (expired, forgotten) = try services.database.write { db in
                let now = services.clock.now()
                return (try SubscriptionExpiry.apply(db, now: now), try Idempotency.sweep(db, now: now))
            }
            if expired + forgotten > 0 {
                services.logger.debug("maintenance sweep", metadata: ["expired": "\(expired)", "idempotencyDeleted": "\(forgotten)"])
            }
        } catch {
            services.logger.warning("maintenance sweep failed; retrying at the next interval", metadata: ["error": "\(error)"])
        }
    }

    func start() {
        guard !started else { return }
        started = true
        timer.resume()
    }

    /// Stops the timer and waits for a sweep in progress, so the database can close after it.
    func stop() {
        timer.cancel()
        // Dispatch traps when a source is released while suspended: a never-started timer resumes to finish cancelling.
        if !started { timer.resume(); started = true }
        queue.sync {}
    }
}
