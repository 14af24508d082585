import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The one connection a sidecar keeps to its PostgreSQL server, used by one caller at a time
/// (the ordered writer, the periodic sweep, a command), and made again after it is lost.
///
/// While the server is out of reach every use fails at once with `storage_unavailable` (no
/// request waits for a server that is down); a new connection is tried on the first use after
/// a backoff that doubles from 0.1 s to 5 s and returns to 0.1 s once connected.
package final class PostgreSQLServer: @unchecked Sendable {
    let location: PostgreSQLLocation
    private let logger: Logger
    /// Logs nothing: PostgresNIO's own lines can hold statements and their bindings.
    private let silent = Logger(label: "toba-register.postgres") { _ in SwiftLogNoOpLogHandler() }
    private let lock = NSLock()
    private var current: PostgreSQLConnection?
    private var backoffSeconds = 0.0
    private var nextAttempt = DispatchTime.now()
    /// Connection ids for PostgresNIO's bookkeeping.
    private static let connectionIDs = Atomic<Int>(0)

    private let durability: AppDatabase.Durability
    private let lockTimeoutMilliseconds: Int

    init(location: PostgreSQLLocation, durability: AppDatabase.Durability, busyTimeoutSeconds: Double, logger: Logger) {
        self.location = location
        self.durability = durability
        self.lockTimeoutMilliseconds = max(1, Int(busyTimeoutSeconds * 1000))
        self.logger = logger
    }

    /// Runs `body` on the connection, holding it for the duration. A failure that lost the
    /// connection drops it, so the next use connects anew.
    func withConnection<T>(_ body: (PostgreSQLConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let connection = try connected()
        do {
            return try body(connection)
        } catch let error as PostgreSQLError where error.connectionLost {
            drop(connection, because: error)
            throw error
        } catch {
            if connection.isClosed { drop(connection, because: PostgreSQLError(sqlState: "", message: "connection closed", connectionLost: true)) }
            throw error
        }
    }

    deinit {
        if let current { Self.close(current) }
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        if let current { Self.close(current) }
        current = nil
    }

    /// Waited for: PostgresNIO requires a connection to be closed before it goes away.
    private static func close(_ connection: PostgreSQLConnection) {
        try? (connection.connection.close() as EventLoopFuture<Void>).wait()
    }

    private func connected() throws -> PostgreSQLConnection {
        if let current {
            guard current.isClosed else { return current }
            drop(current, because: PostgreSQLError(sqlState: "", message: "the server closed the connection", connectionLost: true))
        }
        guard DispatchTime.now() >= nextAttempt else {
            throw PostgreSQLError(sqlState: "", message: "reconnecting to \(location)", connectionLost: true)
        }
        do {
            let made = try connect()
            if backoffSeconds > 0 { logger.notice("connected to PostgreSQL again", metadata: ["db": "\(location)"]) }
            backoffSeconds = 0
            current = made
            return made
        } catch {
            let failure = PostgreSQLError(error)
            backoffSeconds = min(5, max(0.1, backoffSeconds * 2))
            nextAttempt = DispatchTime.now() + backoffSeconds
            logger.error("cannot connect to PostgreSQL", metadata: [
                "db": "\(location)", "error": "\(failure)", "retryInSeconds": "\(backoffSeconds)",
            ])
            throw PostgreSQLError(sqlState: failure.sqlState, message: failure.message, connectionLost: true)
        }
    }

    private func drop(_ connection: PostgreSQLConnection, because error: PostgreSQLError) {
        logger.error("lost the connection to PostgreSQL", metadata: ["db": "\(location)", "error": "\(error)"])
        Self.close(connection)
        current = nil
        nextAttempt = DispatchTime.now()
    }

    private func connect() throws -> PostgreSQLConnection {
        let tls: PostgresConnection.Configuration.TLS
        switch location.sslMode {
        case .disable:
            tls = .disable
        case .prefer, .require:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            let context = try NIOSSLContext(configuration: configuration)
            tls = location.sslMode == .prefer ? .prefer(context) : .require(context)
        case .verifyFull:
            tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(Int64(location.connectTimeoutSeconds))
        let connection = try PostgresConnection.connect(
            on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration,
            id: Self.connectionIDs.wrappingAdd(1, ordering: .relaxed).newValue, logger: silent
        ).wait()
        let wrapped = PostgreSQLConnection(connection, logger: silent)
        do {
            // Timestamps are read and written as UTC text, as on SQLite.
            try wrapped.control("SET TIME ZONE 'UTC'")
            try wrapped.control("SET application_name = 'toba-register'")
            // `durability`: whether COMMIT waits for the server's WAL flush.
            try wrapped.control("SET synchronous_commit = \(durability == .full ? "on" : "off")")
            // A row lock held by another sidecar past the busy timeout fails the statement
            // (55P03), which the writer runs again and finally answers `storage_busy`.
            try wrapped.control("SET lock_timeout = \(lockTimeoutMilliseconds)")
        } catch {
            try? (connection.close() as EventLoopFuture<Void>).wait()
            throw error
        }
        return wrapped
    }
}
