import GRDB
import Logging
import TobaRPC

/// The single ordered writer with group commit. A group is one `BEGIN IMMEDIATE` transaction;
/// each effect runs in its own savepoint, so a failing request leaves no trace while its
/// neighbours commit. `runGroup` returns only after `COMMIT` returned, i.e. once the group is
/// durable under the connection's `synchronous` setting.
public final class OrderedWriter: OrderedExecutor {
    public typealias Context = any SQLConnection

    private let writer: any DatabaseWriter
    private let logger: Logger

    public init(database: AppDatabase, logger: Logger) {
        self.writer = database.writer
        self.logger = logger
    }

    public func runGroup(_ effects: [@Sendable (any SQLConnection) throws -> Outcome]) -> [Result<Outcome, any Error>] {
        var results: [Result<Outcome, any Error>] = []
        results.reserveCapacity(effects.count)
        do {
            try writer.writeWithoutTransaction { db in
                let connection = SQLiteConnection(db)
                try db.inTransaction(.immediate) {
                    for effect in effects {
                        guard db.isInsideTransaction else {
                            // SQLite rolled the whole transaction back (disk full, I/O error):
                            // nothing after this point may pretend to be part of the group.
                            throw GroupAborted()
                        }
                        do {
                            var outcome: Outcome?
                            try db.inSavepoint {
                                outcome = try effect(connection)
                                return .commit
                            }
                            results.append(.success(outcome!))
                        } catch {
                            results.append(.failure(error))
                        }
                    }
                    return .commit
                }
            }
        } catch {
            logger.error("group commit failed; every request of the group is answered with an internal error",
                         metadata: ["size": "\(effects.count)", "error": "\(error)"])
            return effects.map { _ in .failure(GroupAborted()) }
        }
        return results
    }
}

/// The group's transaction could not be committed: none of its requests took effect.
struct GroupAborted: Error {}
