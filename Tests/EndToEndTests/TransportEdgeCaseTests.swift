import Foundation
import Testing
import TobaRPC

/// The transport's decisions where JSON-RPC 2.0 leaves room (§3): what is one parse error, and
/// what is an invalid request answered with its id.
@Suite struct TransportEdgeCaseTests {
    private static let health = Sidecar.requestLine("system.health", nil, id: "h")

    /// A UTF-8 byte order mark is not JSON (RFC 8259 lets a parser refuse it, as Python, Go, Rust
    /// and JavaScript parsers do): -32700, and the stream goes on.
    @Test func aByteOrderMarkIsAParseErrorAndTheStreamGoesOn() throws {
        var input = Data([0xEF, 0xBB, 0xBF])
        input.append(Data((Self.health + "\n" + Self.health + "\n").utf8))
        let run = try Sidecar.run(["--db", ":memory:"], stdin: input)
        let answers = run.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
        #expect(answers.count == 2)
        #expect(answers.contains { $0.errorCode == -32700 && $0["id"] == .null })
        #expect(answers.contains { $0["result"]?["status"] == "ok" })
    }

    @Test func twoJSONTextsOnOneLineAreOneParseError() throws {
        let run = try Sidecar.run(["--db", ":memory:"], stdin: Data((Self.health + " " + Self.health + "\n").utf8))
        #expect(run.stdout == #"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error","data":{"reason":"invalid_json"}},"id":null}"# + "\n")
    }

    /// `params` may be omitted, but when present JSON-RPC 2.0 wants a structured value: null is
    /// an Invalid Request, answered with the request's id.
    @Test func nullParamsAreAnInvalidRequestWithTheID() throws {
        let line = #"{"jsonrpc":"2.0","method":"system.health","params":null,"id":7}"#
        let run = try Sidecar.run(["--db", ":memory:"], stdin: Data((line + "\n").utf8))
        let answer = try JSONParser.parse(Array(run.stdout.utf8.dropLast()))
        #expect(answer["id"] == 7)
        #expect(answer.errorCode == -32600)
        #expect(answer.errorReason == "invalid_params_member")
    }
}
