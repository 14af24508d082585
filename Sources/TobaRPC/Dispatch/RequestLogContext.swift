#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
package import Logging

/// The request a log line is about: its id and method, added to every line logged while the
/// request is decoded, prepared, applied or answered (swift-log's metadata provider), whoever
/// logs it — the pipeline, a domain, the storage layer.
///
/// On the reader and writer threads the label is a thread-local pointer, set and cleared around
/// each request (a few nanoseconds: this runs for every request, and logging is rare); on tasks
/// (a password being hashed, a token being signed) it is a task-local value. The id is formatted
/// only when a line is actually logged.
package enum RequestLogContext {
    package final class Label: Sendable {
        let id: RequestID?
        let method: String

        init(id: RequestID?, method: String) {
            self.id = id
            self.method = method
        }

        var metadata: Logger.Metadata {
            ["requestId": .string(id.map { JSONWriter.string($0.json) } ?? "-"), "method": .string(method)]
        }
    }

    @TaskLocal static var task: Label?

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Adds `requestId` (the id's JSON text, `-` for a notification) and `method` while a
    /// request is being handled.
    package static let metadataProvider = Logger.MetadataProvider {
        if let label = task { return label.metadata }
        guard let pointer = pthread_getspecific(key) else { return [:] }
        return Unmanaged<Label>.fromOpaque(pointer).takeUnretainedValue().metadata
    }

    /// Runs `body` (synchronously, on this thread) as part of `label`'s request.
    static func with<T>(_ label: Label, _ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(label).toOpaque())
        defer { pthread_setspecific(key, previous) }
        return try body()
    }
}
