import Foundation
import Synchronization

/// The PostgreSQL server of the tests' PostgreSQL pass: `TOBA_TEST_BACKEND=postgres` with
/// `TOBA_TEST_POSTGRES_URL` naming a role that may create databases (`scripts/pg-cluster.sh start`
/// makes one; `scripts/test.sh` runs the pass). Shared by the in-process and end-to-end tests.
package enum PostgreSQLTestServer {
    /// The server URL when this run is the PostgreSQL pass, else nil.
    package static let url: String? = {
        let environment = ProcessInfo.processInfo.environment
        guard environment["TOBA_TEST_BACKEND"]?.lowercased() == "postgres" else { return nil }
        guard let url = environment["TOBA_TEST_POSTGRES_URL"], !url.isEmpty else {
            fatalError("TOBA_TEST_BACKEND=postgres needs TOBA_TEST_POSTGRES_URL (see scripts/pg-cluster.sh)")
        }
        return url
    }()

    private static let counter = Mutex(0)

    /// A new, empty database on the server: its URL (the server's, the database name replaced).
    package static func freshDatabase() throws -> String {
        guard let server = url, let slash = server.lastIndex(of: "/") else {
            throw PostgreSQLTestError("not a PostgreSQL run")
        }
        let number = counter.withLock { value in
            value += 1
            return value
        }
        let name = "toba_test_\(getpid())_\(number)"
        try psql(server, "CREATE DATABASE \(name)")
        return String(server[...slash]) + name
    }

    /// Runs SQL through `psql` on `url` and returns what it printed (unaligned, tuples only).
    @discardableResult
    package static func psql(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PostgreSQLTestError("psql failed: \(String(decoding: complaint, as: UTF8.self))")
        }
        return String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

package struct PostgreSQLTestError: Error, CustomStringConvertible {
    package let description: String

    package init(_ description: String) { self.description = description }
}
