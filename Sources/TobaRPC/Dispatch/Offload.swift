import Dispatch

/// Runs CPU-heavy preparation (password hashing) on Dispatch's worker threads instead of Swift
/// concurrency's cooperative pool, so a burst of hashes never leaves cheap requests (token checks,
/// post-commit signing) waiting for a cooperative thread.
public enum Offload {
    private static let queue = DispatchQueue(label: "toba-register.cpu", qos: .userInitiated, attributes: .concurrent)

    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
