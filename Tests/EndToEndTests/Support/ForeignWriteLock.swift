import Foundation
import GRDB

/// Another process's write lock on a database file: this test process opens the file and holds
/// `BEGIN IMMEDIATE` until `release()`.
final class ForeignWriteLock: @unchecked Sendable {
    private let connection: DatabaseQueue
    private let release_ = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    /// Returns once the lock is held.
    init(path: String) throws {
        connection = try DatabaseQueue(path: path)
        let holding = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [connection, release_, done] in
            try? connection.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    holding.signal()
                    release_.wait()
                    return .commit
                }
            }
            done.signal()
        }
        holding.wait()
    }

    /// Commits the (empty) transaction and closes the connection.
    func release() throws {
        release_.signal()
        done.wait()
        try connection.close()
    }
}

extension Sidecar {
    /// A service on a new database file whose busy timeout is `busyTimeoutSeconds`, and the file.
    static func onFile(busyTimeoutSeconds: Int) throws -> (Sidecar, path: String) {
        let directory = try makeDirectory()
        let file = directory.appendingPathComponent("toba.sqlite")
        let config = #"{"passwords": {"iterations": 1000}, "storage": {"busyTimeoutSeconds": \#(busyTimeoutSeconds)}}"#
        return (try Sidecar(arguments: ["--db", file.path], config: config, directory: directory), file.path)
    }
}
