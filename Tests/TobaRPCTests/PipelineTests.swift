import Foundation
import Logging
import Synchronization
import Testing
@testable import TobaRPC

/// The ordered pipeline alone, with a fake executor standing in for the database writer.
@Suite struct PipelineTests {
    /// What the fake writer did: the effects' tags in the order applied, and each group's size.
    final class Journal: Sendable {
        let state = Mutex<(applied: [String], groups: [Int])>(([], []))
        var applied: [String] { state.withLock { $0.applied } }
        var groups: [Int] { state.withLock { $0.groups } }
    }

    /// Runs each effect in order; an effect that throws has its own failure, the others go on.
    struct FakeExecutor: OrderedExecutor {
        let journal: Journal
        let gate: Gate?

        func runGroup(_ effects: [@Sendable (Journal) throws -> Outcome]) -> [Result<Outcome, any Error>] {
            gate?.wait()
            journal.state.withLock { $0.groups.append(effects.count) }
            return effects.map { effect in Result { try effect(journal) } }
        }
    }

    /// Holds the writer until opened.
    final class Gate: Sendable {
        private let open = Mutex(false)
        func wait() { while !open.withLock({ $0 }) { usleep(1000) } }
        func release() { open.withLock { $0 = true } }
    }

    struct Boom: Error {}

    /// A pipeline writing into a pipe, and the lines it wrote.
    final class Harness: Sendable {
        let pipeline: Pipeline<Journal>
        let journal = Journal()
        private let readFD: Int32
        private let writeFD: Int32
        private let output = Mutex<[UInt8]>([])
        private let finishedReading = Mutex(false)

        init(maxGroup: Int = 256, gate: Gate? = nil, limits: TransportLimits = TransportLimits()) {
            var fds: [Int32] = [0, 0]
            precondition(pipe(&fds) == 0)
            readFD = fds[0]
            writeFD = fds[1]
            var table = MethodTable<Journal>()
            // `write {tag, delayMs?, fail?, keys?}`: prepares for delayMs, then appends tag in order.
            // With `keys` it touches only those (kind "k"); without, it conflicts with everything.
            table.register(Method<Journal>("write", decode: { p in
                (tag: try p.required("tag", as: String.self), delay: try p.optional("delayMs", as: Int.self) ?? 0,
                 fail: try p.optional("fail", as: Bool.self) ?? false, keys: try p.optional("keys", as: [String].self))
            }, footprint: { input in
                input.keys.map { keys in .keys(keys.map { Footprint.Key("k", $0 == "*" ? nil : $0) }) } ?? .everything
            }) { input in
                if input.delay > 0 { try await Task.sleep(for: .milliseconds(input.delay)) }
                return .ordered { journal in
                    if input.fail {
                        journal.state.withLock { $0.applied.append(input.tag + "!") }
                        throw Boom()
                    }
                    journal.state.withLock { $0.applied.append(input.tag) }
                    return .value(.string(input.tag))
                }
            })
            // `peek {}`: answered during preparation, without the writer.
            table.register(Method<Journal>("peek", decode: { _ in () }) { _ in .done("peeked") })
            // `big {size, delayMs?}`: answered with a string of `size` bytes while preparing.
            table.register(Method<Journal>("big", decode: { p in
                (size: try p.required("size", as: Int.self), delay: try p.optional("delayMs", as: Int.self) ?? 0)
            }) { input in
                if input.delay > 0 { try await Task.sleep(for: .milliseconds(input.delay)) }
                return .done(.string(String(repeating: "x", count: input.size)))
            })
            // `later {}`: a deferred answer made after the group.
            table.register(Method<Journal>("later", decode: { _ in () }) { _ in
                .ordered { _ in .deferred { "deferred" } }
            })
            let journal = self.journal
            pipeline = Pipeline(
                table: table, executor: FakeExecutor(journal: journal, gate: gate), output: StdoutWriter(fileDescriptor: fds[1]),
                maxGroup: maxGroup, limits: limits, logger: Logger(label: "test"),
                mapError: { error in
                    // As the service's ErrorMapping does: RPCErrors (bad params) pass through.
                    if let error = error as? RPCError { return error }
                    return error is Boom ? RPCError(code: 1, message: "boom") : .internalError
                })
            pipeline.start()
            let readFD = fds[0]
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let n = read(readFD, &buffer, buffer.count)
                    if n <= 0 { break }
                    output.withLock { $0.append(contentsOf: buffer[0..<n]) }
                }
                finishedReading.withLock { $0 = true }
            }
        }

        func send(_ line: String) {
            pipeline.accept(.line(Array(line.utf8)))
        }

        /// Closes the input, waits for every answer, and returns the output lines parsed.
        func finish() async throws -> [JSONValue] {
            pipeline.close()
            await pipeline.waitUntilFinished()
            close(writeFD)
            while !finishedReading.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
            close(readFD)
            let bytes = output.withLock { $0 }
            return try bytes.split(separator: 0x0A).map { try JSONParser.parse(Array($0)) }
        }

        /// Lines written so far.
        var linesSoFar: Int { output.withLock { $0.filter { $0 == 0x0A }.count } }
    }

    static func write(_ tag: String, id: Int, delayMs: Int = 0, fail: Bool = false) -> String {
        #"{"jsonrpc":"2.0","method":"write","params":{"tag":"\#(tag)","delayMs":\#(delayMs),"fail":\#(fail)},"id":\#(id)}"#
    }

    static func answer(_ lines: [JSONValue], id: Int) -> [JSONValue] {
        lines.filter { $0["id"] == .number(JSONNumber(Int64(id))) }
    }

    @Test func effectsApplyInArrivalOrderWhateverThePreparationTime() async throws {
        let harness = Harness()
        for i in 0..<20 {
            // Earlier requests prepare longer: they finish preparing last.
            harness.send(Self.write("t\(i)", id: i, delayMs: (20 - i) * 3))
        }
        let lines = try await harness.finish()
        #expect(harness.journal.applied == (0..<20).map { "t\($0)" })
        #expect(lines.count == 20)
        for i in 0..<20 {
            #expect(Self.answer(lines, id: i).map { $0["result"] } == [.string("t\(i)")])
        }
    }

    @Test func groupsNeverExceedTheirMaximum() async throws {
        let gate = Gate()
        let harness = Harness(maxGroup: 3, gate: gate)
        for i in 0..<10 { harness.send(Self.write("g\(i)", id: i)) }
        try await Task.sleep(for: .milliseconds(50))
        gate.release()
        let lines = try await harness.finish()
        #expect(lines.count == 10)
        #expect(harness.journal.groups.allSatisfy { $0 <= 3 })
        #expect(harness.journal.groups.reduce(0, +) == 10)
        #expect(harness.journal.groups.count >= 4)
        #expect(harness.journal.applied == (0..<10).map { "g\($0)" })
    }

    @Test func aFailingEffectAnswersItsErrorAndItsNeighboursSucceed() async throws {
        let harness = Harness()
        harness.send(Self.write("a", id: 1))
        harness.send(Self.write("b", id: 2, fail: true))
        harness.send(Self.write("c", id: 3))
        let lines = try await harness.finish()
        #expect(Self.answer(lines, id: 1).first?["result"] == "a")
        #expect(Self.answer(lines, id: 2).first?["error"]?["code"] == 1)
        #expect(Self.answer(lines, id: 3).first?["result"] == "c")
        #expect(harness.journal.applied == ["a", "b!", "c"])
    }

    @Test func anAnswerMadeWhilePreparingDoesNotWaitForTheWriter() async throws {
        let gate = Gate()
        let harness = Harness(gate: gate)
        harness.send(Self.write("held", id: 1))
        harness.send(#"{"jsonrpc":"2.0","method":"peek","id":2}"#)
        // Generous: tests run in parallel on two cores and may hold the cooperative threads a while.
        let deadline = Date().addingTimeInterval(120)
        while harness.linesSoFar < 1, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(harness.linesSoFar == 1, "peek is answered while the writer is held")
        #expect(harness.journal.applied.isEmpty)
        gate.release()
        let lines = try await harness.finish()
        #expect(lines.first?["id"] == 2)
        #expect(lines.count == 2)
    }

    @Test func deferredAnswersNotificationsAndBatchesAreEachAnsweredRightly() async throws {
        let harness = Harness()
        harness.send(#"{"jsonrpc":"2.0","method":"later","id":"d"}"#)
        harness.send(#"{"jsonrpc":"2.0","method":"write","params":{"tag":"n"}}"#)
        harness.send(#"[{"jsonrpc":"2.0","method":"write","params":{"tag":"b1"},"id":"b1"},{"jsonrpc":"2.0","method":"write","params":{"tag":"bn"}},{"jsonrpc":"2.0","method":"nope","id":"b2"}]"#)
        harness.send(#"{"jsonrpc":"2.0","method":"write","params":{"tag":"x","extra":1},"id":"x"}"#)
        harness.send(#"{"jsonrpc":"2.0","method":"write","params":["positional"],"id":"p"}"#)
        let lines = try await harness.finish()
        #expect(harness.journal.applied == ["n", "b1", "bn"])
        #expect(lines.count == 4)
        #expect(lines.first { $0["id"] == "d" }?["result"] == "deferred")
        let batch = try #require(lines.first { $0.arrayValue != nil }?.arrayValue)
        #expect(batch.count == 2)
        #expect(batch.first { $0["id"] == "b1" }?["result"] == "b1")
        #expect(batch.first { $0["id"] == "b2" }?["error"]?["code"] == -32601)
        #expect(lines.first { $0["id"] == "x" }?["error"]?["data"]?["reason"] == "unknown")
        #expect(lines.first { $0["id"] == "p" }?["error"]?["data"]?["field"] == "params")
    }

    @Test func nothingIsAcceptedAfterClose() async throws {
        let harness = Harness()
        harness.send(Self.write("kept", id: 1))
        harness.pipeline.close()
        harness.send(Self.write("dropped", id: 2))
        let lines = try await harness.finish()
        #expect(harness.journal.applied == ["kept"])
        #expect(lines.count == 1)
    }
}

private extension JSONValue {
    subscript(key: String) -> JSONValue? { objectValue?[key] }
}
