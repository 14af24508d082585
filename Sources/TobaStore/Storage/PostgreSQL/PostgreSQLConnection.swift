import Logging
import PostgresNIO

/// `SQLConnection` on PostgreSQL through PostgresNIO. Synchronous: each statement is one round
/// trip (parse, bind, execute pipelined by PostgresNIO), waited for on the calling thread, which
/// is the ordered writer's or a command's, never one of NIO's event loops.
///
/// Every argument (but an integer beyond 32 bits, sent as `bigint`) is sent as text of no
/// declared type, so the server reads it as the type its place in the statement calls for (`1`
/// for a boolean, `2026-12-01 10:00:00` for a timestamp with time zone, 32 hex digits for a
/// uuid), exactly as SQLite takes the same values; the session's time zone is UTC.
///
/// Unchecked `Sendable`: used by one thread at a time, under `PostgreSQLServer`'s lock.
final class PostgreSQLConnection: SQLConnection, TransactionalConnection, @unchecked Sendable {
    let connection: PostgresConnection
    private let logger: Logger
    private var statements: [String: PostgreSQLStatement] = [:]
    private(set) var lastInsertedRowID: Int64 = 0
    private(set) var changesCount: Int = 0
    private(set) var isInsideTransaction = false
    /// The request's savepoint is armed: opened before the next statement that may write.
    private var savepointArmed = false
    private var savepointTaken = false
    /// A statement failed since the request began.
    private var failedStatement = false

    init(_ connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    var isClosed: Bool { connection.isClosed }

    func execute(sql: String, arguments: SQLArguments) throws {
        _ = try run(sql, arguments)
    }

    func fetchRows(sql: String, arguments: SQLArguments) throws -> [StoredRow] {
        try run(sql, arguments)
    }

    func fetchFirstRow(sql: String, arguments: SQLArguments) throws -> StoredRow? {
        try run(sql, arguments).first
    }

    // MARK: Transactions

    func begin(_ mode: TransactionMode) throws {
        switch mode {
        case .write: try control("BEGIN ISOLATION LEVEL SERIALIZABLE")
        case .read: try control("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        }
        isInsideTransaction = true
    }

    /// PostgreSQL answers `COMMIT` of a transaction a failed statement left unusable by rolling
    /// it back without an error (command tag `ROLLBACK`): that is a failure here, never a commit.
    func commit() throws {
        defer { isInsideTransaction = false }
        guard try control("COMMIT").metadata.command == "COMMIT" else {
            throw PostgreSQLError(sqlState: "25P02", message: "a statement of the transaction had failed: COMMIT rolled it back",
                                  connectionLost: false)
        }
    }

    func rollback() throws {
        guard isInsideTransaction else { return }
        defer { isInsideTransaction = false }
        try control("ROLLBACK")
    }

    func beginRequest(eager: Bool) throws {
        (savepointArmed, savepointTaken, failedStatement) = (!eager, false, false)
        if eager { try openSavepoint() }
    }

    func endRequest() throws {
        defer { (savepointArmed, savepointTaken) = (false, false) }
        if savepointTaken { try control("RELEASE SAVEPOINT toba_request") }
    }

    func undoRequest() throws -> Bool {
        defer { (savepointArmed, savepointTaken, failedStatement) = (false, false, false) }
        guard savepointTaken else { return !failedStatement }
        try control("ROLLBACK TO SAVEPOINT toba_request")
        try control("RELEASE SAVEPOINT toba_request")
        return true
    }

    private func openSavepoint() throws {
        try control("SAVEPOINT toba_request")
        savepointTaken = true
    }

    /// A statement without arguments or rows, sent as it is.
    @discardableResult
    func control(_ sql: String) throws -> PostgresQueryResult {
        do {
            return try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
        } catch {
            throw failed(error)
        }
    }

    // MARK: Statements

    private func run(_ sql: String, _ arguments: SQLArguments) throws -> [StoredRow] {
        let statement: PostgreSQLStatement
        if let known = statements[sql] {
            statement = known
        } else {
            statement = PostgreSQLStatement(sql)
            statements[sql] = statement
        }
        guard statement.parameterCount == arguments.values.count else {
            throw PostgreSQLError(sqlState: "", message: "wrong number of statement arguments", connectionLost: false)
        }
        var bindings = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number) where Int64(Int32.min)...Int64(Int32.max) ~= number:
                bindings.append(UntypedText(String(number)))
            case .integer(let number):
                // Beyond `integer` (the ids' type): sent as a `bigint`, so comparing it with an
                // `integer` column finds nothing, as on SQLite, instead of failing the statement
                // as an out-of-range `integer` would.
                bindings.append(number)
            case .real(let number): bindings.append(UntypedText(number.isFinite ? "\(number)" : (number.isNaN ? "NaN" : number > 0 ? "Infinity" : "-Infinity")))
            case .text(let text): bindings.append(UntypedText(text))
            case .blob(let bytes): bindings.append(Bytes(bytes))
            }
        }
        let result: PostgresQueryResult
        if savepointArmed && !savepointTaken && !statement.onlyReads { try openSavepoint() }
        do {
            result = try connection.query(PostgresQuery(unsafeSQL: statement.text, binds: bindings), logger: logger).wait()
        } catch {
            throw failed(error)
        }
        if statement.changesRows { changesCount = result.metadata.rows ?? 0 }
        var rows: [StoredRow] = []
        rows.reserveCapacity(result.rows.count)
        var columns: [String]?
        for row in result.rows {
            var values: [SQLValue] = []
            var names: [String] = []
            for cell in row {
                values.append(PostgreSQLCell.value(cell))
                if columns == nil { names.append(cell.columnName) }
            }
            if columns == nil { columns = names }
            rows.append(StoredRow(columns: columns ?? names, values: values))
        }
        if statement.returnsInsertedID {
            if let id = try rows.last?.readFirst(Int64.self) { lastInsertedRowID = id }
            return []
        }
        return rows
    }

    /// A failure as it may be logged. Any failed statement (a savepoint's too) leaves the
    /// transaction unusable until rolled back; a lost connection ends it.
    private func failed(_ error: any Error) -> PostgreSQLError {
        failedStatement = true
        let failure = PostgreSQLError(error)
        if failure.connectionLost { isInsideTransaction = false }
        return failure
    }
}

/// Text of no declared type (OID 0): the server infers the type from where the value stands.
private struct UntypedText: PostgresDynamicTypeEncodable {
    let text: String

    init(_ text: String) { self.text = text }

    var psqlType: PostgresDataType { PostgresDataType(0) }
    var psqlFormat: PostgresFormat { .text }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}

/// Bytes, as `bytea`.
private struct Bytes: PostgresDynamicTypeEncodable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var psqlType: PostgresDataType { .bytea }
    var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeBytes(bytes)
    }
}
