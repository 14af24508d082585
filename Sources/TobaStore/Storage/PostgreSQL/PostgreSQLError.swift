import PostgresNIO

/// A failure of PostgreSQL, kept to what may be logged: the SQLSTATE and the server's message
/// (data exceptions lose the quoted value they name), never the statement or its bindings, which
/// PostgresNIO's own error descriptions can include and which may hold secrets.
package struct PostgreSQLError: Error, Sendable, CustomStringConvertible {
    /// The server's SQLSTATE; empty when the server was never reached or the connection broke.
    package let sqlState: String
    package let message: String
    /// The connection is gone (refused, reset, closed by the server, shut down by an operator).
    package let connectionLost: Bool
    /// The constraint a violation names, when the server names one (no values).
    package let constraint: String?

    init(sqlState: String, message: String, connectionLost: Bool, constraint: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.connectionLost = connectionLost
        self.constraint = constraint
    }

    /// The loggable form of anything PostgresNIO or NIO threw.
    init(_ error: any Error) {
        if let error = error as? PostgreSQLError {
            self = error
            return
        }
        guard let error = error as? PSQLError else {
            // NIO's channel and socket errors: the connection could not be made or broke.
            self.init(sqlState: "", message: String(describing: type(of: error)), connectionLost: true)
            return
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            var message = error.serverInfo?[.message] ?? "server error"
            if state.hasPrefix("22"), let quote = message.firstIndex(of: "\"") {
                // "invalid input syntax for type integer: \"…\"": keep the kind, drop the value.
                message = String(message[..<quote]).trimmingSuffix(": ")
            }
            // Class 08 connection exceptions; 57P01–57P03 the server shutting down or starting.
            let lost = state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
            self.init(sqlState: state, message: message, connectionLost: lost,
                      constraint: error.serverInfo?[.constraintName])
        case .queryCancelled:
            self.init(sqlState: "57014", message: "query cancelled", connectionLost: false)
        case .tooManyParameters, .invalidCommandTag, .messageDecodingFailure, .unexpectedBackendMessage:
            self.init(sqlState: "", message: "\(error.code)", connectionLost: true)
        default:
            // Connection, TLS and authentication failures, and a closed connection.
            self.init(sqlState: "", message: "\(error.code)", connectionLost: true)
        }
    }

    package var description: String {
        sqlState.isEmpty ? "PostgreSQL connection failed: \(message)" : "PostgreSQL error \(sqlState): \(message)"
    }

    /// Serialization failure, deadlock, lock not available, or a unique key taken by a concurrent
    /// transaction of another sidecar: running the transaction again may succeed.
    var isConflict: Bool {
        ["40001", "40P01", "55P03", "23505"].contains(sqlState)
    }

    /// The transaction this happened in cannot go on: its group must end and be run again.
    var endsTransaction: Bool { connectionLost || isConflict }

    /// What a client is answered when this failure reaches it (PROTOCOL.md §7), or nil for a
    /// failure that is a bug of ours (a malformed statement, a violated check).
    var storageFailure: StorageFailure? {
        let kind: StorageFailure.Kind
        if connectionLost {
            kind = .unavailable
        } else {
            switch sqlState {
            case "53100": kind = .full
            case "53300", "57P04": kind = .unavailable  // too many connections; database dropped
            case "40001", "40P01", "55P03", "57014", "55006": kind = .busy
            case "25006", "42501": kind = .failing  // read-only transaction; insufficient privilege
            default:
                if sqlState.hasPrefix("53") || sqlState.hasPrefix("58") || sqlState.hasPrefix("XX") {
                    kind = .failing
                } else {
                    return nil
                }
            }
        }
        return StorageFailure(kind: kind, sqlState: sqlState, message: message)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
