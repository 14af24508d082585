import Testing
@testable import TobaRPC

/// Reading named parameters: U+0000 is refused wherever it hides in a parameter, by name.
@Suite struct ParamsTests {
    private func refusal(_ value: JSONValue, as read: (inout Params) throws(RPCError) -> Void) -> RPCError? {
        var params = Params(["p": value])
        do {
            try read(&params)
            return nil
        } catch {
            return error
        }
    }

    @Test func aNullCharacterInAStringIsRefused() {
        let error = refusal(.string("a\u{0}b")) { params throws(RPCError) in _ = try params.required("p", as: String.self) }
        #expect(error == RPCError.invalidParams(.nullCharacter, field: "p"))
    }

    @Test func aNullCharacterInsideAJSONValueOrAKeyIsRefused() {
        let deep: JSONValue = ["a": [1, ["b": "x\u{0}"]]]
        #expect(refusal(deep) { params throws(RPCError) in _ = try params.optional("p", as: JSONValue.self) }
                == RPCError.invalidParams(.nullCharacter, field: "p"))
        let key: JSONValue = .object(JSONObject([("k\u{0}", .null)]))
        #expect(refusal(key) { params throws(RPCError) in _ = try params.patch("p", as: JSONValue.self) }
                == RPCError.invalidParams(.nullCharacter, field: "p"))
    }

    @Test func otherControlCharactersPass() throws {
        var params = Params(["p": "tab\tnew\nline\u{1}"])
        #expect(try params.required("p", as: String.self) == "tab\tnew\nline\u{1}")
    }
}
