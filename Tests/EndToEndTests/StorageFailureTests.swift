import Foundation
import Testing
import TobaRPC

/// PROTOCOL.md §7: a storage that is busy past its timeout answers 1008 `storage_busy` (with
/// `retryAfterSeconds`), logs SQLite's codes, and the service goes on once the lock is gone.
@Suite struct StorageFailureTests {
    @Test(.timeLimit(.minutes(2)))
    func aLockHeldByAnotherProcessIsStorageBusyAndTheNextRequestSucceeds() throws {
        // Given a service on a file with a busy timeout of one second
        let (sidecar, file) = try Sidecar.onFile(busyTimeoutSeconds: 1)
        _ = try sidecar.result("websession.save", ["sessionKey": "before", "data": "1"])
        // And this (other) process holding the write lock of the same file
        let lock = try ForeignWriteLock(path: file)
        // When a write arrives
        let busy = try sidecar.error("websession.save", ["sessionKey": "during", "data": "2"])
        // Then it is 1008 storage_busy with a retry hint, and the log names SQLite's code
        #expect(busy["code"] == 1008)
        #expect(busy["message"] == "Unavailable")
        #expect(busy["data"]?["reason"] == "storage_busy")
        #expect(busy["data"]?["retryAfterSeconds"]?.int64Value ?? 0 >= 1)
        #expect(sidecar.stderrText.contains("sqliteCode=5"))
        // And once the lock is released, the next write succeeds and the busy one left no trace
        try lock.release()
        _ = try sidecar.result("websession.save", ["sessionKey": "after", "data": "3"])
        #expect(try sidecar.result("websession.load", ["sessionKey": "during"]) == .null)
        #expect(try sidecar.result("websession.load", ["sessionKey": "after"])["data"] == "3")
        #expect(try sidecar.finish() == 0)
    }
}
