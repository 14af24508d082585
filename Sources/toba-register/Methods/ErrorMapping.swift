import Logging
import TobaDomain
import TobaRPC
import TobaStore

/// The one place where errors of the other layers become JSON-RPC errors (PROTOCOL.md §7).
enum ErrorMapping {
    static func rpcError(for error: any Error, logger: Logger) -> RPCError {
        switch error {
        case let error as RPCError:
            return error
        case let error as DomainError:
            var data: JSONObject = ["reason": .string(error.reason.rawValue)]
            for (key, value) in error.details { data[key] = value }
            let (code, message) = codeAndMessage(error.kind)
            return RPCError(code: code, message: message, data: data)
        case let error as StoredValueError:
            // A value another program stored that cannot be read fails this request only (§7).
            // The log names the place, never the value (it may be a secret).
            logger.error("unreadable stored value", metadata: [
                "table": "\(error.table ?? "-")", "column": "\(error.column)", "expected": "\(error.expected)",
            ])
            return rpcError(for: DomainError.storage(.storageError), logger: logger)
        case let failure as StorageFailure:
            // Made (and logged, with SQLite's codes) by the ordered writer.
            return rpcError(for: storageError(failure), logger: logger)
        case let error where StorageFailure.classify(error) != nil:
            return rpcError(for: loggedStorageError(StorageFailure.classify(error)!, logger: logger), logger: logger)
        default:
            // The caller gets no detail (no SQL, paths or traces); the log keeps the type and text.
            logger.error("internal error", metadata: ["type": "\(type(of: error))", "error": "\(error)"])
            return .internalError
        }
    }

    /// 1008 for a storage error raised outside the writer (a read before the request's turn),
    /// logged here with the engine's codes and message, never the statement's arguments.
    private static func loggedStorageError(_ failure: StorageFailure, logger: Logger) -> DomainError {
        logger.error("storage failure", metadata: failure.logMetadata.merging(["reason": "\(failure.reason)"]) { $1 })
        return storageError(failure)
    }

    /// 1008, with the reason of the failure's kind.
    private static func storageError(_ failure: StorageFailure) -> DomainError {
        let reason: DomainError.Reason = switch failure.kind {
        case .busy: .storageBusy
        case .full: .storageFull
        case .unavailable: .storageUnavailable
        case .failing: .storageError
        }
        return DomainError.storage(reason, retryAfterSeconds: failure.retryAfterSeconds)
    }

    static func codeAndMessage(_ kind: DomainError.Kind) -> (Int, String) {
        switch kind {
        case .validation: (1000, "Validation failed")
        case .unauthenticated: (1001, "Unauthenticated")
        case .forbidden: (1002, "Forbidden")
        case .notFound: (1003, "Not found")
        case .conflict: (1004, "Conflict")
        case .rateLimited: (1005, "Rate limited")
        case .expired: (1006, "Expired or not valid now")
        case .unavailable: (1007, "Not configured")
        case .storage: (1008, "Unavailable")
        }
    }
}
