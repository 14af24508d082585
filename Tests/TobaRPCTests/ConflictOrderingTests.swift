import Foundation
import Testing
@testable import TobaRPC

/// PROTOCOL.md §4: a request waits only for earlier requests it conflicts with, and conflicting
/// requests take effect in arrival order.
@Suite struct ConflictOrderingTests {
    static func write(_ tag: String, id: Int, delayMs: Int = 0, keys: [String]? = nil) -> String {
        let keyList = keys.map { ",\"keys\":[" + $0.map { "\"\($0)\"" }.joined(separator: ",") + "]" } ?? ""
        return #"{"jsonrpc":"2.0","method":"write","params":{"tag":"\#(tag)","delayMs":\#(delayMs)\#(keyList)},"id":\#(id)}"#
    }

    @Test func anUnrelatedRequestPassesOneStillPreparing() async throws {
        // Given a slow request on key 1
        let harness = PipelineTests.Harness()
        harness.send(Self.write("slow", id: 1, delayMs: 300, keys: ["1"]))
        // When a request on key 2 arrives after it
        harness.send(Self.write("fast", id: 2, keys: ["2"]))
        let lines = try await harness.finish()
        // Then the later one took effect first, and both are answered
        #expect(harness.journal.applied == ["fast", "slow"])
        #expect(lines.count == 2)
    }

    @Test func conflictingRequestsKeepArrivalOrder() async throws {
        let harness = PipelineTests.Harness()
        harness.send(Self.write("a", id: 1, delayMs: 200, keys: ["1"]))
        harness.send(Self.write("b", id: 2, keys: ["1", "3"]))
        harness.send(Self.write("c", id: 3, keys: ["3"]))
        harness.send(Self.write("d", id: 4, keys: ["4"]))
        _ = try await harness.finish()
        // b shares key 1 with a, so waits for it; c shares key 3 with the waiting b, so waits too;
        // d shares nothing and goes first.
        #expect(harness.journal.applied == ["d", "a", "b", "c"])
    }

    @Test func aWholeKindConflictsWithEveryKeyOfTheKind() async throws {
        let harness = PipelineTests.Harness()
        harness.send(Self.write("all", id: 1, delayMs: 200, keys: ["*"]))
        harness.send(Self.write("one", id: 2, keys: ["7"]))
        _ = try await harness.finish()
        #expect(harness.journal.applied == ["all", "one"])
    }

    @Test func anEverythingRequestWaitsForAllBeforeItAndHoldsAllAfterIt() async throws {
        let harness = PipelineTests.Harness()
        harness.send(Self.write("k1", id: 1, delayMs: 150, keys: ["1"]))
        harness.send(Self.write("every", id: 2))
        harness.send(Self.write("k2", id: 3, keys: ["2"]))
        _ = try await harness.finish()
        #expect(harness.journal.applied == ["k1", "every", "k2"])
    }

    @Test func aRequestThatFailedToPrepareHoldsNobody() async throws {
        let harness = PipelineTests.Harness()
        // A bad parameter fails while decoding: it never waits and never blocks.
        harness.send(#"{"jsonrpc":"2.0","method":"write","params":{"tag":1},"id":1}"#)
        harness.send(Self.write("after", id: 2, keys: ["1"]))
        let lines = try await harness.finish()
        #expect(harness.journal.applied == ["after"])
        #expect(lines.count == 2)
    }

    @Test func footprintsConflictByKindAndId() {
        let user1 = Footprint.keys(Footprint.Key("user", "1"))
        let user2 = Footprint.keys(Footprint.Key("user", "2"))
        let users = Footprint.keys(.all("user"))
        let email = Footprint.keys(Footprint.Key("email", "1"))
        #expect(!user1.conflicts(with: user2))
        #expect(user1.conflicts(with: user1))
        #expect(users.conflicts(with: user2))
        #expect(!email.conflicts(with: user1), "kinds never mix")
        #expect(Footprint.everything.conflicts(with: .nothing))
        #expect(!Footprint.nothing.conflicts(with: user1))
    }
}
