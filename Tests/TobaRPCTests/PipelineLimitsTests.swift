import Foundation
import Synchronization
import Testing
@testable import TobaRPC

/// PROTOCOL.md §3: batches hold at most 1,000 requests, and no batch, line or burst can make
/// the process hold unbounded memory (`TransportLimits`).
@Suite struct PipelineLimitsTests {
    typealias Harness = PipelineTests.Harness

    static func batch(_ members: [String]) -> String { "[" + members.joined(separator: ",") + "]" }

    static func big(_ size: Int, id: Int, delayMs: Int = 0) -> String {
        #"{"jsonrpc":"2.0","method":"big","params":{"size":\#(size),"delayMs":\#(delayMs)},"id":\#(id)}"#
    }

    final class Flag: Sendable {
        private let state = Mutex(false)
        var isSet: Bool { state.withLock { $0 } }
        func set() { state.withLock { $0 = true } }
    }

    /// Sends `line` on its own thread; returns a flag that turns true once the pipeline took it.
    static func sendInBackground(_ harness: Harness, _ line: String) -> Flag {
        let taken = Flag()
        Thread.detachNewThread {
            harness.send(line)
            taken.set()
        }
        return taken
    }

    @Test func aBatchOfMoreThanAThousandRequestsIsRefusedWholeAndNoneRuns() async throws {
        // Given a batch of 1,001 writes and one of exactly 1,000
        let harness = Harness()
        harness.send(Self.batch((0..<1001).map { PipelineTests.write("over\($0)", id: $0) }))
        harness.send(Self.batch((0..<1000).map { PipelineTests.write("in\($0)", id: 10_000 + $0) }))
        // When the input ends
        let lines = try await harness.finish()
        // Then the larger one got one -32600 too_large with id null and none of it ran
        #expect(lines.count == 2)
        let refusal = try #require(lines.first { $0.objectValue != nil })
        #expect(refusal["id"] == .null)
        #expect(refusal["error"]?["code"] == -32600)
        #expect(refusal["error"]?["data"]?["reason"] == "too_large")
        #expect(!harness.journal.applied.contains { $0.hasPrefix("over") })
        #expect(harness.journal.applied == (0..<1000).map { "in\($0)" })
        #expect(lines.first { $0.arrayValue != nil }?.arrayValue?.count == 1000)
    }

    @Test func aBatchsAnswerStaysWithinItsBoundAndTheMembersPastItGetTooLarge() async throws {
        // Given a batch answer bound of 10,000 bytes and ten members answering 3,000 bytes each
        var limits = TransportLimits()
        limits.maxBatchAnswerBytes = 10_000
        let harness = Harness(limits: limits)
        harness.send(Self.batch((0..<10).map { Self.big(3000, id: $0) }))
        // When the batch is answered
        let lines = try await harness.finish()
        // Then its line holds every id once, within the bound, the overflow as -32600 too_large
        #expect(lines.count == 1)
        let members = try #require(lines.first?.arrayValue)
        #expect(Set(members.compactMap { $0["id"]?.int64Value }) == Set(0..<10))
        let full = members.filter { $0["result"] != nil }
        let refused = members.filter { $0["error"]?["data"]?["reason"] == "too_large" }
        #expect(full.map { JSONWriter.bytes($0).count + 1 }.reduce(0, +) <= 10_000)
        #expect(refused.allSatisfy { JSONWriter.bytes($0).count < 200 }, "a short error in place of each")
        #expect(full.count == 3)
        #expect(refused.count == 7)
        #expect(refused.allSatisfy { $0["error"]?["code"] == -32600 })
    }

    @Test func answersHeldByAllBatchesTogetherStayWithinTheirBound() async throws {
        // Given a bound of 8,000 bytes for all held batch answers, and three batches each of three
        // answers of 2,000 bytes (made after all three lines were read) and one write that a
        // held writer keeps from finishing, so every batch holds its answers at once
        var limits = TransportLimits()
        limits.maxHeldAnswerBytes = 8_000
        let gate = PipelineTests.Gate()
        let harness = Harness(gate: gate, limits: limits)
        for b in 0..<3 {
            let bigs = (0..<3).map { Self.big(2000, id: b * 10 + $0, delayMs: 100) }
            harness.send(Self.batch(bigs + [PipelineTests.write("w\(b)", id: b * 10 + 9)]))
        }
        // (wait until the nine answers were made and only the three held writes are open)
        let deadline = ContinuousClock.now + .seconds(60)
        while harness.pipeline.openRequests > 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(harness.pipeline.openRequests == 3)
        // When the writer goes on and the batches are written
        gate.release()
        let lines = try await harness.finish()
        // Then only three answers of 2,000 bytes fitted; the six others became too_large
        let members = lines.flatMap { $0.arrayValue ?? [] }
        #expect(members.count == 12)
        #expect(members.filter { $0["result"]?.stringValue?.count == 2000 }.count == 3)
        #expect(members.filter { $0["error"]?["data"]?["reason"] == "too_large" }.count == 6)
    }

    /// With the writer held and `open` lines sent, `late` must wait until the writer goes on.
    /// Returns every answer once the input ended.
    static func expectLateLineWaits(limits: TransportLimits, open: [String], late: String) async throws -> [JSONValue] {
        let gate = PipelineTests.Gate()
        let harness = Harness(gate: gate, limits: limits)
        for line in open { harness.send(line) }
        let taken = sendInBackground(harness, late)
        try await Task.sleep(for: .milliseconds(300))
        #expect(!taken.isSet, "the late line waits for capacity")
        gate.release()
        while !taken.isSet { try await Task.sleep(for: .milliseconds(5)) }
        let lines = try await harness.finish()
        #expect(harness.journal.applied.count == lines.flatMap { $0.arrayValue ?? [$0] }.count)
        return lines
    }

    @Test(.timeLimit(.minutes(1)))
    func batchMembersCountOneByOneAgainstTheOpenRequestLimit() async throws {
        // Given at most 10 open requests, a held writer and a batch of 8 writes already open
        var limits = TransportLimits()
        limits.maxOpenRequests = 10
        let first = Self.batch((0..<8).map { PipelineTests.write("a\($0)", id: $0) })
        // When a batch of 5 more arrives, then it waits (8 + 5 > 10) until the first is answered
        let second = Self.batch((0..<5).map { PipelineTests.write("b\($0)", id: 100 + $0) })
        let lines = try await Self.expectLateLineWaits(limits: limits, open: [first], late: second)
        #expect(lines.flatMap { $0.arrayValue ?? [] }.count == 13)
    }

    @Test(.timeLimit(.minutes(1)))
    func theReaderWaitsWhileTheOpenLinesHoldTooManyBytes() async throws {
        // Given at most 1,000 bytes of open lines, a held writer and two lines of ~400 bytes
        var limits = TransportLimits()
        limits.maxOpenLineBytes = 1000
        let padded = { (i: Int) in PipelineTests.write(String(repeating: "p", count: 300) + "\(i)", id: i) }
        // When a third arrives, then it waits until the earlier lines are answered
        let lines = try await Self.expectLateLineWaits(limits: limits, open: [padded(0), padded(1)], late: padded(2))
        #expect(lines.count == 3)
    }

    @Test func aLineLargerThanTheWholeByteBudgetStillRunsAlone() async throws {
        var limits = TransportLimits()
        limits.maxOpenLineBytes = 10
        let harness = Harness(limits: limits)
        harness.send(PipelineTests.write("alone", id: 1))
        harness.send(PipelineTests.write("next", id: 2))
        let lines = try await harness.finish()
        #expect(lines.count == 2)
        #expect(harness.journal.applied == ["alone", "next"])
    }
}

private extension JSONValue {
    subscript(key: String) -> JSONValue? { objectValue?[key] }
}
