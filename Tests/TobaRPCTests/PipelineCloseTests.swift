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
        #expect(queue.append(Slot(responder: Responder(target: .notification, sink: sink), footprint: .everything, label: RequestLogContext.Label(id: nil, method: "test"))))
        queue.close()
        let refused = Responder(target: .notification, sink: sink)
        #expect(!queue.append(Slot(responder: refused, footprint: .everything, label: RequestLogContext.Label(id: nil, method: "test"))))
        refused.abandon()
    }
}

/// A batch whose later members arrive after a close still answers the members that ran.
@Suite struct BatchAbandonTests {
    @Test func anAbandonedMemberGivesUpItsPlaceAndTheRestIsWritten() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let output = StdoutWriter(fileDescriptor: fds[1])
        let sink = ResponseSink(output: output)
        let collector = BatchCollector(count: 2, sink: sink)
        let ran = Responder(target: .batch(collector, index: 0, id: .number(JSONNumber(1))), sink: sink)
        let late = Responder(target: .batch(collector, index: 1, id: .number(JSONNumber(2))), sink: sink)
        ran.send(.success("ok"))
        late.abandon()
        close(fds[1])
        let data = FileHandle(fileDescriptor: fds[0]).readDataToEndOfFile()
        #expect(String(decoding: data, as: UTF8.self) == #"[{"jsonrpc":"2.0","result":"ok","id":1}]"# + "\n")
    }
}
