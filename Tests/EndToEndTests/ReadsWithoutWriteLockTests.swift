import Foundation
import Testing
import TobaRPC

/// PROTOCOL.md §4: a request that only reads never waits for another process's write lock.
@Suite struct ReadsWithoutWriteLockTests {
    @Test(.timeLimit(.minutes(2)))
    func readsAreAnsweredWhileAnotherProcessHoldsTheWriteLock() throws {
        // Given a service on a file with a busy timeout of two seconds, and a stored web session
        let (sidecar, file) = try Sidecar.onFile(busyTimeoutSeconds: 2)
        _ = try sidecar.result("websession.save", ["sessionKey": "kept", "data": "1"])
        // And this (other) process holding the write lock of the same file
        let lock = try ForeignWriteLock(path: file)
        // When reads arrive, they are answered at once, each with its result
        for (method, params) in [("system.health", JSONValue.object([:])), ("product.list", [:]), ("category.list", [:]),
                                 ("landing.list", [:]), ("voucher.get", ["code": "NONE"]), ("websession.load", ["sessionKey": "kept"])] {
            let answer = try sidecar.call(method, params)
            #expect(answer["error"]?["data"]?["reason"] != "storage_busy", "\(method) waited for the lock")
        }
        #expect(try sidecar.result("websession.load", ["sessionKey": "kept"])["data"] == "1")
        // While a write still waits for the lock and gives up
        #expect(try sidecar.error("websession.save", ["sessionKey": "during", "data": "2"])["data"]?["reason"] == "storage_busy")
        try lock.release()
        #expect(try sidecar.finish() == 0)
    }
}
