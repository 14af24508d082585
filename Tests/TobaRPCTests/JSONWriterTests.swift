import Testing
@testable import TobaRPC

@Suite struct JSONWriterTests {
    @Test func writesCompactlyInStoredOrder() {
        let value: JSONValue = ["jsonrpc": "2.0", "id": 7, "result": ["ok": true, "items": [nil, false, 1]]]
        #expect(JSONWriter.string(value) == #"{"jsonrpc":"2.0","id":7,"result":{"ok":true,"items":[null,false,1]}}"#)
        #expect(JSONWriter.string([]) == "[]")
        #expect(JSONWriter.string(.object(JSONObject())) == "{}")
        #expect(value.description == JSONWriter.string(value))
    }

    @Test func writesNumbersAsTheirText() throws {
        for text in ["1.50", "-0", "1E+2", "12345678901234567890123"] {
            let number = try #require(JSONNumber(text: text))
            #expect(JSONWriter.string(.number(number)) == text)
        }
    }

    @Test func appendsToExistingBytes() {
        var out = Array("prefix:".utf8)
        JSONWriter.write(["a": 1], into: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"prefix:{"a":1}"#)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        #expect(JSONWriter.string("say \"hi\" \\ there") == #""say \"hi\" \\ there""#)
        #expect(JSONWriter.string("\u{08}\u{0C}\n\r\t") == #""\b\f\n\r\t""#)
        #expect(JSONWriter.string("\u{0}\u{1}\u{1F}\u{0B}") == #""\u0000\u0001\u001f\u000b""#)
        #expect(JSONWriter.string(["k\n": "v"]) == #"{"k\n":"v"}"#)
    }

    @Test func escapesLineAndParagraphSeparators() {
        #expect(JSONWriter.string("a\u{2028}b\u{2029}c") == #""a\u2028b\u2029c""#)
    }

    @Test func writesOtherCharactersAsTheyAre() {
        let text = "/ é 日本 😀 \u{7F} \u{2027} \u{202A} \u{2082} \u{E2}"
        #expect(JSONWriter.string(.string(text)) == "\"\(text)\"")
    }

    @Test func neverEmitsARawLineBreak() throws {
        var rng = SplitMix64(seed: 2028)
        for _ in 0..<2_000 {
            let value = RandomJSON.value(depth: 3, using: &rng)
            let bytes = JSONWriter.bytes(value)
            #expect(!bytes.contains(0x0A) && !bytes.contains(0x0D))
            #expect(!JSONWriter.string(value).contains("\u{2028}"))
        }
    }

    @Test func randomValuesRoundTripThroughWriterAndParser() throws {
        var rng = SplitMix64(seed: 8259)
        for _ in 0..<5_000 {
            let value = RandomJSON.value(depth: 4, using: &rng)
            let parsed = try JSONParser.parse(JSONWriter.bytes(value))
            #expect(parsed == value)
            #expect(JSONWriter.bytes(parsed) == JSONWriter.bytes(value))
        }
    }

    @Test func deepestParsableValueRoundTrips() throws {
        let text = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(JSONWriter.string(try JSONParser.parse(Array(text.utf8))) == text)
    }
}

@Suite struct JSONValueTests {
    @Test func accessorsReturnTheMatchingCaseOnly() {
        let value: JSONValue = ["s": "x", "b": true, "n": 5, "a": [1], "o": ["k": nil], "z": nil]
        let object = value.objectValue!
        #expect(object["s"]?.stringValue == "x")
        #expect(object["b"]?.boolValue == true)
        #expect(object["n"]?.int64Value == 5)
        #expect(object["n"]?.numberValue == JSONNumber(5))
        #expect(object["a"]?.arrayValue == [1])
        #expect(object["o"]?.objectValue?["k"] == .null)
        #expect(object["z"]?.isNull == true)
        #expect(object["s"]?.int64Value == nil)
        #expect(object["n"]?.stringValue == nil)
        #expect(object["b"]?.isNull == false)
        #expect(value.arrayValue == nil)
    }

    @Test func numbersCompareBySpelling() {
        #expect(JSONNumber(text: "1") != JSONNumber(text: "1.0"))
        #expect(JSONValue.number(JSONNumber(1)) == 1)
    }

    @Test func objectSubscriptReplacesInPlaceAppendsAndRemoves() {
        var object: JSONObject = ["a": 1, "b": 2, "c": 3]
        object["b"] = "two"
        #expect(object.keys == ["a", "b", "c"])
        #expect(object["b"] == "two")
        object["d"] = 4
        #expect(object.keys == ["a", "b", "c", "d"])
        object["a"] = nil
        #expect(object.keys == ["b", "c", "d"])
        #expect(object["a"] == nil)
        object["c"] = .null
        #expect(object["c"] == .null)
        #expect(object.count == 3)
        object["missing"] = nil
        #expect(object.count == 3)
    }

    @Test func largeObjectKeepsLookupsRightThroughEdits() {
        var object = JSONObject()
        for k in 0..<100 { object["k\(k)"] = .number(JSONNumber(k)) }
        for k in stride(from: 0, to: 100, by: 3) { object["k\(k)"] = nil }
        object["k1"] = "one"
        object["new"] = true
        #expect(object.count == 67)
        #expect(object.keys.first == "k1")
        #expect(object.keys.last == "new")
        for k in 0..<100 {
            let expected: JSONValue? = k.isMultiple(of: 3) ? nil : (k == 1 ? "one" : .number(JSONNumber(k)))
            #expect(object["k\(k)"] == expected)
        }
        while object.count > 5 { object[object.keys[object.count / 2]] = nil }
        #expect(object.count == 5)
        for key in object.keys { #expect(object[key] != nil) }
    }

    @Test func literalsKeepWrittenOrderAndLastDuplicate() {
        let object = JSONObject([("b", 1), ("a", 2), ("b", 3)])
        #expect(object.keys == ["b", "a"])
        #expect(object["b"] == 3)
        #expect(Array(object.map(\.key)) == ["b", "a"])
        #expect(object.map(\.value) == [3, 2])
        #expect(!object.isEmpty && JSONObject().isEmpty)
    }

    @Test func objectEqualityAndHashingFollowOrder() {
        let ab: JSONObject = ["a": 1, "b": 2]
        let ba: JSONObject = ["b": 2, "a": 1]
        #expect(ab != ba)
        #expect(ab == JSONObject([("a", 1), ("b", 2)]))
        #expect(Set([ab, JSONObject([("a", 1), ("b", 2)])]).count == 1)
        var large = JSONObject()
        var alsoLarge = JSONObject()
        for k in 0..<30 {
            large["k\(k)"] = 1
            alsoLarge["k\(k)"] = 1
        }
        alsoLarge["extra"] = 1
        alsoLarge["extra"] = nil
        #expect(large == alsoLarge)
        #expect(large.hashValue == alsoLarge.hashValue)
    }
}

@Suite struct JSONNumberTests {
    @Test func numberTextInitializerValidatesTheGrammar() {
        #expect(JSONNumber(text: "1.50")?.text == "1.50")
        #expect(JSONNumber(text: "-0")?.text == "-0")
        #expect(JSONNumber(text: "1E+2")?.text == "1E+2")
        for bad in ["", " 1", "1 ", "01", "+1", ".5", "1.", "1e", "nan", "inf", "1,0", "١"] {
            #expect(JSONNumber(text: bad) == nil, "\(bad)")
        }
    }

    @Test func int64IsGivenOnlyForIntegerSpellingsThatFit() {
        #expect(JSONNumber(text: "42")?.int64 == 42)
        #expect(JSONNumber(text: "-0")?.int64 == 0)
        #expect(JSONNumber(text: "9223372036854775807")?.int64 == Int64.max)
        #expect(JSONNumber(text: "-9223372036854775808")?.int64 == Int64.min)
        #expect(JSONNumber(text: "9223372036854775808")?.int64 == nil)
        #expect(JSONNumber(text: "12345678901234567890123")?.int64 == nil)
        #expect(JSONNumber(text: "1.0")?.int64 == nil)
        #expect(JSONNumber(text: "1e2")?.int64 == nil)
        #expect(JSONNumber(text: "1E2")?.int64 == nil)
        #expect(JSONNumber(Int64.min).int64 == Int64.min)
        #expect(JSONNumber(7).text == "7")
    }

    @Test func doubleIsNilOnlyWhenTheMagnitudeOverflows() {
        #expect(JSONNumber(text: "1.5")?.double == 1.5)
        #expect(JSONNumber(text: "-1E+2")?.double == -100)
        #expect(JSONNumber(text: "12345678901234567890123")?.double == 12345678901234567890123.0)
        #expect(JSONNumber(text: "1e-400")?.double == 0)
        #expect(JSONNumber(text: "1e400")?.double == nil)
        #expect(JSONNumber(text: "-1e400")?.double == nil)
    }

    @Test func doubleInitializerRefusesNonFiniteValues() {
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONNumber(Double.infinity) == nil)
        #expect(JSONNumber(-Double.infinity) == nil)
        #expect(JSONNumber(1.0)?.text == "1.0")
        #expect(JSONNumber(0.1)?.text == "0.1")
        #expect(JSONNumber(-0.0)?.text == "-0.0")
        #expect(JSONNumber(1e16)?.text == "1e+16")
    }

    @Test func doubleSpellingIsValidJSONAndRoundTrips() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let d = Double(bitPattern: rng.next())
            guard let number = JSONNumber(d) else {
                #expect(!d.isFinite)
                continue
            }
            let reparsed = try #require(JSONNumber(text: number.text), "\(number.text)")
            #expect(reparsed.double == d)
        }
    }
}

/// Random JSON values covering every case, every escape class and numbers of every shape.
enum RandomJSON {
    static let numbers = ["0", "-0", "1.50", "1E+2", "-1e-7", "12345678901234567890123", "0.0", "42"]
    static let pieces = ["a", "é", "日本", "😀", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}",
                         "\u{7F}", "\u{2028}", "\u{2029}", "\u{FFFF}", "\u{10FFFF}", " ", "{", "]"]

    static func string(using rng: inout SplitMix64) -> String {
        var s = ""
        for _ in 0..<Int.random(in: 0...6, using: &rng) {
            if Bool.random(using: &rng) {
                s += pieces.randomElement(using: &rng)!
            } else {
                var scalar: Unicode.Scalar?
                while scalar == nil { scalar = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &rng)) }
                s.unicodeScalars.append(scalar!)
            }
        }
        return s
    }

    static func value(depth: Int, using rng: inout SplitMix64) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .number(JSONNumber(text: numbers.randomElement(using: &rng)!)!)
        case 3: return .number(JSONNumber(Int64.random(in: .min ... .max, using: &rng)))
        case 4: return .number(JSONNumber(Double(bitPattern: rng.next())) ?? JSONNumber(0))
        case 5: return .string(string(using: &rng))
        case 6:
            return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth: depth - 1, using: &rng) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...16, using: &rng) {
                object[string(using: &rng)] = value(depth: depth - 1, using: &rng)
            }
            return .object(object)
        }
    }
}
