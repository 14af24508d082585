#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization
import TobaRPC

/// The service's log handler: swift-log's `StreamLogHandler` line format on stderr
/// (`<time> <level> <label>: key=value … [source] message`), except that everything in a line is
/// escaped (`LogText`), so a value a client sent (an email, a user agent, a method name) can never
/// start a line of its own or pass for another key: one log call is always exactly one line.
struct StderrLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        StderrLine.write(line(for: event, time: StderrLine.timestamp()))
    }

    /// The line (with its `\n`) for `event`.
    func line(for event: LogEvent, time: String) -> String {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit = event.metadata { all.merge(explicit) { _, new in new } }
        if let error = event.error {
            all["error.message"] = "\(error)"
            all["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let pairs = all.sorted { $0.key < $1.key }.map { LogText.escaped($0.key) + "=" + LogText.value("\($0.value)") }
        let pretty = pairs.isEmpty ? "" : " " + pairs.joined(separator: " ")
        return "\(time) \(event.level) \(LogText.escaped(label)):\(pretty) [\(LogText.escaped(event.source))] "
            + LogText.escaped(event.message.description) + "\n"
    }
}

/// Writes whole lines to stderr, one at a time, so lines of concurrent log calls never interleave.
enum StderrLine {
    private static let lock = Mutex(())

    static func write(_ line: String) {
        var bytes = Array(line.utf8)
        lock.withLock { _ in
            bytes.withUnsafeMutableBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = systemWrite(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    offset += n
                }
            }
        }
    }

    /// Local time as `StreamLogHandler` prints it (`2026-06-01T12:00:00+0700`).
    static func timestamp() -> String {
        var buffer = [Int8](repeating: 0, count: 64)
        var now = time(nil)
        guard let local = localtime(&now) else { return "<unknown>" }
        strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", local)
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
