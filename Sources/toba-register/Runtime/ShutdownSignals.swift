import Dispatch
import Foundation
import Logging

/// SIGTERM and SIGINT flip the shutdown switch instead of killing the process (PROTOCOL.md §3:
/// stop reading, finish what was read, exit 0). Installed first thing at `serve`, so a signal that
/// arrives while the database is still being opened or migrated also ends in a clean exit.
final class ShutdownSignals {
    private let sources: [any DispatchSourceSignal]

    init(triggering shutdown: ShutdownSwitch, logger: Logger) {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                logger.notice("signal received: finishing the requests already read", metadata: ["signal": "\(number)"])
                shutdown.trigger()
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        sources.forEach { $0.cancel() }
    }
}
