import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs CPU-heavy preparation (password hashing) on a pool of its own threads, one per core, at a
/// lower scheduling priority (nice 10). Swift concurrency's cooperative pool and the reader and
/// writer threads stay free, and when hashing fills every core the kernel still gives a cheap
/// request's threads the CPU first: an `auth.verify` behind a burst of registrations is answered
/// in about a millisecond instead of waiting for time slices.
package enum Offload {
    private static let pool = WorkerPool(threads: max(1, ProcessInfo.processInfo.activeProcessorCount), nice: 10)

    package static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            pool.submit {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}

/// A fixed set of threads taking jobs in submission order.
final class WorkerPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0

    init(threads: Int, nice: Int32) {
        for index in 0..<threads {
            let thread = Thread { [self] in
                // On Linux the nice value is a per-thread attribute; raising it needs no privilege.
                #if canImport(Glibc)
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
                #elseif canImport(Musl)
                _ = setpriority(PRIO_PROCESS, 0, nice)
                #endif
                work()
            }
            thread.name = "toba-cpu-\(index)"
            #if !os(Linux)
            // Elsewhere a process-wide nice would slow every thread: a lower quality of service instead.
            thread.qualityOfService = .utility
            #endif
            thread.start()
        }
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head > 1024, head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job()
        }
    }
}
