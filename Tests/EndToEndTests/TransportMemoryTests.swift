import Foundation
import Testing
import TobaRPC

/// PROTOCOL.md §3: memory stays bounded whatever the input. The worst lines and bursts we can
/// build are sent to the built binary, which must stay under `boundMiB` of peak resident memory
/// (`VmHWM`) and still answer what comes after.
@Suite(.serialized) struct TransportMemoryTests {
    /// The bound the tests hold the process to ("a few hundred MiB").
    static let boundMiB = 300.0

    static func discover(id: String) -> String { #"{"jsonrpc":"2.0","method":"rpc.discover","id":"\#(id)"}"# }

    /// A batch of `count` rpc.discover calls: each answer is the whole OpenRPC document.
    static func discoverBatch(_ count: Int, prefix: String) -> String {
        "[" + (0..<count).map { discover(id: "\(prefix)\($0)") }.joined(separator: ",") + "]"
    }

    /// A line just under 1 MiB whose parameter is an array of ~500,000 numbers: cheap to send,
    /// the most expensive to hold parsed.
    static func parseHeavyLine(id: String) -> String {
        let head = #"{"jsonrpc":"2.0","method":"system.health","params":{"x":["#
        let tail = #"]},"id":"\#(id)"}"#
        let count = (1_048_576 - head.utf8.count - tail.utf8.count - 16) / 2
        return head + Array(repeating: "0", count: count).joined(separator: ",") + tail
    }

    @Test(.timeLimit(.minutes(5)))
    func theWorstSingleLinesStayWithinTheMemoryBoundAndTheStreamGoesOn() throws {
        let client = try StalledClient(keepBytes: 64 << 20)
        client.startReading()
        var script = ""
        // A 1 MiB line of ~20,000 rpc.discover calls (once a 2.45 GB answer): refused whole.
        var calls: [String] = []
        var size = 2
        while size < 1_000_000 {
            calls.append(Self.discover(id: "h\(calls.count)"))
            size += calls.last!.utf8.count + 1
        }
        script += "[" + calls.joined(separator: ",") + "]\n"
        // The largest batch allowed, each member answering the whole document.
        script += Self.discoverBatch(1000, prefix: "d") + "\n"
        // A line that costs the most to hold parsed.
        script += Self.parseHeavyLine(id: "heavy") + "\n"
        script += #"{"jsonrpc":"2.0","method":"system.health","id":"after"}"# + "\n"
        client.feed(Data(script.utf8))
        let lines = try client.waitForLines(4, timeout: 180)
        #expect(lines.contains { $0.text.contains(#""id":"after""#) })
        // The oversized batch: one -32600 too_large, id null, nothing run.
        let refused = try #require(lines.first)
        #expect(refused.text.hasPrefix("{"))
        #expect(refused.text.contains(#""code":-32600"#) && refused.text.contains(#""reason":"too_large""#))
        #expect(refused.text.contains(#""id":null"#))
        #expect(!lines.contains { $0.text.contains(#""id":"h0""#) })
        // The batch of 1,000: one line within 16 MiB, every id once, the overflow as too_large.
        let batchLine = try #require(lines.first { $0.text.hasPrefix("[") })
        // (16 MiB of answers, plus one short error in place of each answer that did not fit)
        #expect(batchLine.length <= TransportLimits().maxBatchAnswerBytes + 1000 * 200)
        let members = try #require(try JSONParser.parse(Array(batchLine.text.utf8)).arrayValue)
        #expect(Set(members.compactMap { $0["id"]?.stringValue }) == Set((0..<1000).map { "d\($0)" }))
        #expect(members.contains { $0["result"]?["openrpc"] != nil })
        #expect(members.contains { $0.errorReason == "too_large" && $0.errorCode == -32600 })
        #expect(lines.contains { $0.text.contains(#""id":"heavy""#) && $0.text.contains("-32602") })
        let peak = try client.peakResidentMiB()
        #expect(peak < Self.boundMiB, "peak resident memory \(peak) MiB")
        #expect(try client.finish() == 0)
    }

    @Test(.timeLimit(.minutes(8)))
    func aBurstWhileTheClientStopsReadingStaysWithinTheMemoryBoundAndIsThenAnswered() throws {
        // Given a client that sends a burst and does not read the answers for a while
        let client = try StalledClient()
        var script = ""
        for b in 0..<4 { script += Self.discoverBatch(1000, prefix: "b\(b)-") + "\n" }
        for i in 0..<20 { script += Self.parseHeavyLine(id: "heavy\(i)") + "\n" }
        for i in 0..<1500 { script += Self.discover(id: "s\(i)") + "\n" }
        for b in 4..<8 { script += Self.discoverBatch(1000, prefix: "b\(b)-") + "\n" }
        script += #"{"jsonrpc":"2.0","method":"system.health","id":"last"}"# + "\n"
        client.feed(Data(script.utf8))
        // When the service has filled its output pipe and stopped reading
        let deadline = Date().addingTimeInterval(15)
        while !client.isFed, Date() < deadline { usleep(100_000) }
        #expect(!client.isFed, "the service stopped reading while its answers were not read")
        let stalledPeak = try client.peakResidentMiB()
        // And the client reads again
        client.startReading()
        let lines = try client.waitForLines(8 + 20 + 1500 + 1, timeout: 300)
        // Then everything was answered, and the memory stayed bounded throughout
        #expect(lines.contains { $0.text.contains(#""id":"last""#) })
        #expect(lines.filter { $0.text.hasPrefix("[") }.count == 8)
        let peak = try client.peakResidentMiB()
        #expect(stalledPeak < Self.boundMiB, "peak resident memory while stalled \(stalledPeak) MiB")
        #expect(peak < Self.boundMiB, "peak resident memory \(peak) MiB")
        #expect(try client.finish() == 0)
    }
}
