import Logging
import PostgresNIO

/// `SQLConnection` on PostgreSQL through PostgresNIO. Synchronous: each statement is one round
/// trip (parse, bind, execute pipelined by PostgresNIO), waited for on the calling thread, which
/// is the ordered writer's or a command's, never one of NIO's event loops.
///
/// Every argument (but an integer beyond 32 bits, sent as `bigint`) is sent as text of no
/// declared type, so the server reads it as the type its place in the statement calls for (`1` for a boolean, `2026-12-01 10:00:00` for a timestamp
/// with time zone, 32 hex digits for a uuid), exactly as SQLite takes the same values; the
/// session's time zone is UTC.
///
/// Unchecked `Sendable`: used by one thread at a time, under `PostgreSQLServer`'s lock.
final class PostgreSQLConnection: SQLConnection, TransactionalConnection, @unchecked Sendable {
    let connection: PostgresConnection
    private let logger: Logger
    private var statements: [String: PostgreSQLStatement] = [:]
    private(set) var lastInsertedRowID: Int64 = 0
    private(set) var changesCount: Int = 0
    private(set) var isInsideTransaction = false
    /// The request savepoint is armed: taken before the next statement that may write.
    private var savepointArmed = false
    private var savepointTaken = false
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

    func commit() throws {
        defer { isInsideTransaction = false }
        try control("COMMIT")
    }

    func rollback() throws {
        guard isInsideTransaction else { return }
        defer { isInsideTransaction = false }
        try control("ROLLBACK")
    }

    var savepointsAreCostly: Bool { true }

    func deferSavepoint() {
        (savepointArmed, savepointTaken, failedStatement) = (true, false, false)
    }

    func settleDeferredSavepoint() -> (taken: Bool, failed: Bool) {
        defer { (savepointArmed, savepointTaken, failedStatement) = (false, false, false) }
        return (savepointTaken, failedStatement)
    }

    func savepoint() throws { try control("SAVEPOINT toba_request") }
    func releaseSavepoint() throws { try control("RELEASE SAVEPOINT toba_request") }
    func rollbackToSavepoint() throws { try control("ROLLBACK TO SAVEPOINT toba_request") }

    /// A statement without arguments or rows, sent as it is.
    func control(_ sql: String) throws {
        do {
            _ = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
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
        if savepointArmed && !savepointTaken && !statement.onlyReads {
            try control("SAVEPOINT toba_request")
            savepointTaken = true
        }
        do {
            result = try connection.query(PostgresQuery(unsafeSQL: statement.text, binds: bindings), logger: logger).wait()
        } catch {
            failedStatement = true
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

    /// A failure as it may be logged; a lost connection also ends the transaction we knew of.
    private func failed(_ error: any Error) -> PostgreSQLError {
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
