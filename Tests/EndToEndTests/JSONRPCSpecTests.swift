import Foundation
import Testing
import TobaRPC

/// The examples of the JSON-RPC 2.0 specification (§7), with our methods standing in for
/// `subtract`/`sum`/`notify_hello`, plus the transport rules of PROTOCOL.md §3.
@Suite struct JSONRPCSpecTests {
    private static let start = "2030-01-01T00:00:00.000000Z"

    /// A sidecar with the test clock frozen at `start`, so that clock notifications can be seen.
    private func frozenSidecar() throws -> Sidecar {
        let sidecar = try Sidecar()
        try sidecar.setClock(Self.start)
        return sidecar
    }

    private func parse(_ line: String) throws -> JSONValue { try JSONParser.parse(Array(line.utf8)) }

    // MARK: §7 examples

    @Test func positionalParametersAreRefusedWithInvalidParamsNamingParams() throws {
        let sidecar = try Sidecar()
        sidecar.send(#"{"jsonrpc": "2.0", "method": "system.health", "params": [42, 23], "id": 1}"#)
        let response = try sidecar.response(id: 1)
        #expect(response.errorCode == -32602)
        #expect(response["error"]?["message"] == "Invalid params")
        #expect(response["error"]?["data"]?["field"] == "params")
        #expect(response["result"] == nil)
        #expect(try sidecar.finish() == 0)
    }

    @Test func namedParametersAreAnswered() throws {
        let sidecar = try frozenSidecar()
        sidecar.send(#"{"jsonrpc": "2.0", "method": "system.clock.advance", "params": {"seconds": 23}, "id": 3}"#)
        let response = try sidecar.response(id: 3)
        #expect(response["result"]?["now"] == "2030-01-01T00:00:23.000000Z")
        #expect(response["jsonrpc"] == "2.0")
        #expect(response["error"] == nil)
        #expect(try sidecar.finish() == 0)
    }

    @Test func aNotificationIsExecutedButNeverAnswered() throws {
        let sidecar = try frozenSidecar()
        let before = sidecar.lines.count
        sidecar.send(#"{"jsonrpc": "2.0", "method": "system.clock.advance", "params": {"seconds": 5}}"#)
        sidecar.send(#"{"jsonrpc": "2.0", "method": "foobar"}"#)
        sidecar.send(#"{"jsonrpc": "2.0", "method": "system.clock.advance", "params": {"seconds": 0}, "id": "after"}"#)
        let after = try sidecar.response(id: "after")
        // The notification took effect before the later request…
        #expect(after["result"]?["now"] == "2030-01-01T00:00:05.000000Z")
        #expect(try sidecar.finish() == 0)
        // …and neither notification got a line, even once everything is flushed at EOF.
        let output = sidecar.lines.dropFirst(before)
        #expect(output.count == 1)
        #expect(try output.map(parse).allSatisfy { $0["id"] == "after" })
    }

    @Test func anUnknownMethodIsMethodNotFound() throws {
        let sidecar = try Sidecar()
        sidecar.send(#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#)
        let response = try sidecar.response(id: "1")
        #expect(response.errorCode == -32601)
        #expect(response["error"]?["message"] == "Method not found")
        #expect(try sidecar.finish() == 0)
    }

    @Test func invalidJSONIsAParseErrorWithANullID() throws {
        let sidecar = try Sidecar()
        sidecar.send(#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#)
        #expect(try sidecar.finish() == 0)
        let lines = try sidecar.parsedLines()
        #expect(lines.count == 1)
        #expect(lines.first?.errorCode == -32700)
        #expect(lines.first?["error"]?["message"] == "Parse error")
        #expect(lines.first?["id"] == .null)
    }

    @Test func anInvalidRequestObjectIsInvalidRequestWithANullID() throws {
        let sidecar = try Sidecar()
        sidecar.send(#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#)
        #expect(try sidecar.finish() == 0)
        let lines = try sidecar.parsedLines()
        #expect(lines.count == 1)
        #expect(lines.first?.errorCode == -32600)
        #expect(lines.first?["error"]?["message"] == "Invalid Request")
        #expect(lines.first?["id"] == .null)
    }

    @Test func aBatchThatIsInvalidJSONGetsOneParseErrorObject() throws {
        let sidecar = try Sidecar()
        sidecar.send("""
            [{"jsonrpc": "2.0", "method": "system.health", "params": [1,2,4], "id": "1"}, {"jsonrpc": "2.0", "method" ]
            """)
        #expect(try sidecar.finish() == 0)
        let lines = try sidecar.parsedLines()
        #expect(lines.count == 1)
        #expect(lines.first?.objectValue != nil)
        #expect(lines.first?.errorCode == -32700)
        #expect(lines.first?["id"] == .null)
    }

    @Test func anEmptyBatchGetsOneInvalidRequestObject() throws {
        let sidecar = try Sidecar()
        sidecar.send("[]")
        #expect(try sidecar.finish() == 0)
        let lines = try sidecar.parsedLines()
        #expect(lines.count == 1)
        #expect(lines.first?.objectValue != nil, "an object, not an array")
        #expect(lines.first?.errorCode == -32600)
        #expect(lines.first?["id"] == .null)
    }

    @Test func aBatchOfOneNonObjectGetsAnArrayOfOneInvalidRequest() throws {
        let sidecar = try Sidecar()
        sidecar.send("[1]")
        #expect(try sidecar.finish() == 0)
        let lines = try sidecar.parsedLines()
        #expect(lines.count == 1)
        let items = try #require(lines.first?.arrayValue)
        #expect(items.count == 1)
        #expect(items.first?.errorCode == -32600)
        #expect(items.first?["id"] == .null)
    }

    @Test func aBatchOfThreeNonObjectsGetsAnArrayOfThreeInvalidRequests() throws {
        let sidecar = try Sidecar()
        sidecar.send("[1,2,3]")
        #expect(try sidecar.finish() == 0)
        let lines = try sidecar.parsedLines()
        #expect(lines.count == 1)
        let items = try #require(lines.first?.arrayValue)
        #expect(items.count == 3)
        #expect(items.allSatisfy { $0.errorCode == -32600 && $0["id"] == .null })
    }

    @Test func aMixedBatchAnswersEveryRequestInOneArrayAndNoNotification() throws {
        let sidecar = try frozenSidecar()
        let before = sidecar.lines.count
        sidecar.send("""
            [{"jsonrpc": "2.0", "method": "system.clock.advance", "params": {"seconds": 0}, "id": "1"},\
             {"jsonrpc": "2.0", "method": "system.clock.advance", "params": {"seconds": 7}},\
             {"jsonrpc": "2.0", "method": "system.health", "params": [42,23], "id": "2"},\
             {"foo": "boo"},\
             {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},\
             {"jsonrpc": "2.0", "method": "system.clock.advance", "params": {"seconds": 0}, "id": "9"}]
            """)
        #expect(try sidecar.finish() == 0)
        let output = try sidecar.parsedLines().dropFirst(before)
        #expect(output.count == 1)
        let items = try #require(output.first?.arrayValue)
        #expect(items.count == 5)
        func item(_ id: JSONValue) -> JSONValue? { items.first { $0["id"] == id } }
        #expect(item("1")?["result"]?["now"] == "2030-01-01T00:00:00.000000Z")
        #expect(item("2")?.errorCode == -32602)
        #expect(item(.null)?.errorCode == -32600)
        #expect(item("5")?.errorCode == -32601)
        // Arrival order inside the batch: "9" sees the notification's 7 seconds.
        #expect(item("9")?["result"]?["now"] == "2030-01-01T00:00:07.000000Z")
    }

    @Test func aBatchOfNotificationsOnlyGetsNoLineAtAll() throws {
        let sidecar = try frozenSidecar()
        let before = sidecar.lines.count
        sidecar.send("""
            [{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},\
             {"jsonrpc": "2.0", "method": "system.clock.advance", "params": {"seconds": 9}}]
            """)
        sidecar.send(#"{"jsonrpc": "2.0", "method": "system.clock.advance", "params": {"seconds": 0}, "id": "later"}"#)
        #expect(try sidecar.response(id: "later")["result"]?["now"] == "2030-01-01T00:00:09.000000Z")
        #expect(try sidecar.finish() == 0)
        #expect(sidecar.lines.count == before + 1)
    }

    // MARK: ids

    @Test(arguments: ["1", "-0", "1.50", "1e3", "12345678901234567890123", "0.000", "-7E-2", #""abc""#, #""""#,
                      #""\u00e9\n""#, "null"])
    func theIDIsEchoedWithItsExactSpelling(_ id: String) throws {
        let sidecar = try Sidecar()
        sidecar.send(#"{"jsonrpc":"2.0","method":"no.such.method","id":\#(id)}"#)
        #expect(try sidecar.finish() == 0)
        let lines = sidecar.lines
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        let expectedID = try parse(id)
        #expect(try parse(line)["id"] == expectedID)
        // Numbers keep their spelling on the wire, not just their value.
        if case .number = expectedID {
            #expect(line.hasSuffix(",\"id\":\(id)}"), "raw line: \(line)")
        }
    }

    @Test func aRequestWithANullIDIsAnsweredNotTreatedAsANotification() throws {
        let sidecar = try Sidecar()
        sidecar.send(#"{"jsonrpc":"2.0","method":"system.health","id":null}"#)
        #expect(try sidecar.finish() == 0)
        let lines = try sidecar.parsedLines()
        #expect(lines.count == 1)
        #expect(lines.first?["result"]?["status"] == "ok")
        #expect(lines.first?["id"] == .null)
    }

    @Test(arguments: [#"{"jsonrpc":"2.0","method":"system.health","id":[1]}"#,
                      #"{"jsonrpc":"2.0","method":"system.health","id":{"a":1}}"#,
                      #"{"jsonrpc":"2.0","method":"system.health","id":true}"#,
                      #"{"jsonrpc":"1.0","method":"system.health","id":3}"#,
                      #"{"method":"system.health","id":3}"#,
                      #"{"jsonrpc":"2.0","id":3}"#,
                      #"{"jsonrpc":"2.0","method":"system.health","params":"bar","id":3}"#,
                      #"{"jsonrpc":"2.0","method":"system.health","params":7,"id":3}"#])
    func malformedRequestObjectsAreInvalidRequests(_ line: String) throws {
        let sidecar = try Sidecar()
        sidecar.send(line)
        #expect(try sidecar.finish() == 0)
        let lines = try sidecar.parsedLines()
        #expect(lines.count == 1)
        #expect(lines.first?.errorCode == -32600)
        // The id is echoed when it was a valid one, null otherwise.
        let id = try parse(line)["id"]
        let validID = id == .null || id?.numberValue != nil || id?.stringValue != nil
        #expect(lines.first?["id"] == (validID ? id : .null))
    }

    // MARK: Framing

    @Test func crlfLinesAreAccepted() throws {
        let sidecar = try Sidecar()
        sidecar.write(Data("{\"jsonrpc\":\"2.0\",\"method\":\"system.health\",\"id\":1}\r\n".utf8))
        sidecar.write(Data("{\"jsonrpc\":\"2.0\",\"method\":\"system.health\",\"id\":2}\r\n".utf8))
        #expect(try sidecar.response(id: 1)["result"]?["status"] == "ok")
        #expect(try sidecar.response(id: 2)["result"]?["status"] == "ok")
        #expect(try sidecar.finish() == 0)
        #expect(sidecar.lines.count == 2)
    }

    @Test func blankLinesAreIgnored() throws {
        let sidecar = try Sidecar()
        sidecar.write(Data("\n\n   \n\t\r\n\r\n".utf8))
        sidecar.send(#"{"jsonrpc":"2.0","method":"system.health","id":1}"#)
        sidecar.write(Data("\n \n".utf8))
        #expect(try sidecar.finish() == 0)
        let lines = try sidecar.parsedLines()
        #expect(lines.count == 1)
        #expect(lines.first?["id"] == 1)
    }

    @Test func aLastLineWithoutNewlineIsAnsweredAtEOF() throws {
        let sidecar = try Sidecar()
        sidecar.write(Data(#"{"jsonrpc":"2.0","method":"system.health","id":"tail"}"#.utf8))
        #expect(try sidecar.finish() == 0)
        #expect(try sidecar.responses(withID: "tail").count == 1)
    }

    // MARK: Params

    @Test func parametersAsAnArrayAreInvalidParamsNamingParams() throws {
        let sidecar = try Sidecar()
        let error = try sidecar.error("email.confirm", ["abc"])
        #expect(error["code"] == -32602)
        #expect(error["data"]?["field"] == "params")
    }

    @Test func anUnknownParameterIsInvalidParamsUnknownWithItsName() throws {
        let sidecar = try Sidecar()
        let error = try sidecar.error("system.health", ["verbose": true])
        #expect(error["code"] == -32602)
        #expect(error["data"]?["reason"] == "unknown")
        #expect(error["data"]?["field"] == "verbose")
        let typo = try sidecar.error("email.confirm", ["key": "abc", "kye": "abc"])
        #expect(typo["data"]?["reason"] == "unknown")
        #expect(typo["data"]?["field"] == "kye")
    }

    @Test func aMissingParameterIsInvalidParamsMissingWithItsName() throws {
        let sidecar = try Sidecar()
        let error = try sidecar.error("system.clock.advance", [:])
        #expect(error["code"] == -32602)
        #expect(error["data"]?["reason"] == "missing")
        #expect(error["data"]?["field"] == "seconds")
        let login = try sidecar.error("auth.login", ["email": "a@example.com"])
        #expect(login["data"]?["reason"] == "missing")
        #expect(login["data"]?["field"] == "password")
        // Absent params read as an empty object.
        let none = try sidecar.error("email.confirm")
        #expect(none["data"]?["reason"] == "missing")
        #expect(none["data"]?["field"] == "key")
    }

    @Test func aParameterOfTheWrongTypeIsInvalidParamsTypeWithItsName() throws {
        let sidecar = try Sidecar()
        let error = try sidecar.error("system.clock.advance", ["seconds": "ten"])
        #expect(error["code"] == -32602)
        #expect(error["data"]?["reason"] == "type")
        #expect(error["data"]?["field"] == "seconds")
        let login = try sidecar.error("auth.login", ["email": "a@example.com", "password": 12345678])
        #expect(login["data"]?["reason"] == "type")
        #expect(login["data"]?["field"] == "password")
    }
}
