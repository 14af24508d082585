/// Applies prepared effects strictly in the order given, as one group: each effect is
/// all-or-nothing, and `runGroup` returns only once the group is durable. Implemented by the
/// storage layer; the pipeline knows nothing of what `Context` is.
package protocol OrderedExecutor<Context>: Sendable {
    associatedtype Context
    func runGroup(_ effects: [@Sendable (Context) throws -> Outcome]) -> [Result<Outcome, any Error>]
    func runReads(_ effects: [@Sendable (Context) throws -> Outcome]) -> [Result<Outcome, any Error>]
}

extension OrderedExecutor {
    /// Applies effects that only read, in the order given. By default as a group; a storage
    /// layer runs them without taking its write lock.
    package func runReads(_ effects: [@Sendable (Context) throws -> Outcome]) -> [Result<Outcome, any Error>] {
        runGroup(effects)
    }
}
