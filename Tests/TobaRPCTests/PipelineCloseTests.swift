import Foundation
import Synchronization
import Testing
@testable import TobaRPC

/// Closing the input (a signal, system.shutdown) while the reader waits for back-pressure to
/// ease: what it held when the close came is not run, and the pipeline still finishes.
@Suite struct PipelineCloseTests {
    typealias Harness = PipelineTests.Harness

    @Test(.timeLimit(.minutes(1)))
    func aLineHeldByBackPressureAcrossACloseIsNotRun() async throws {
        let gate = PipelineTests.Gate()
        let harness = Harness(gate: gate)
        // Fill the pipeline up to its limit of unanswered requests; the writer is held.
        let limit = 8192
        for i in 0..<limit { harness.send(PipelineTests.write("w\(i)", id: i)) }
        let late = Mutex(false)
        Thread.detachNewThread {
            harness.send(PipelineTests.write("late", id: limit))  // blocks: no capacity
            late.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(!late.withLock { $0 }, "the reader waits for capacity")
        harness.pipeline.close()
        gate.release()
        let lines = try await harness.finish()
        #expect(lines.count == limit)
        #expect(harness.journal.applied.count == limit)
        #expect(harness.journal.applied.last == "w\(limit - 1)", "nothing ran after the close")
        #expect(PipelineTests.answer(lines, id: limit).isEmpty)
    }

    @Test func theQueueRefusesSlotsOnceClosed() {
        let queue = OrderedQueue<Int>()
        let sink = ResponseSink(output: StdoutWriter(fileDescriptor: -1))
        #expect(queue.append(Slot(responder: Responder(target: .notification, sink: sink))))
        queue.close()
        let refused = Responder(target: .notification, sink: sink)
        #expect(!queue.append(Slot(responder: refused)))
        refused.abandon()
    }
}
