import Testing
@testable import TobaRPC

/// A small deterministic generator, so that fuzz failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func parse(_ text: String) throws(JSONParseError) -> JSONValue {
    try JSONParser.parse(Array(text.utf8))
}

func parseError(_ bytes: [UInt8]) -> JSONParseError? {
    do {
        _ = try JSONParser.parse(bytes)
        return nil
    } catch {
        return error
    }
}

func parseError(_ text: String) -> JSONParseError? {
    parseError(Array(text.utf8))
}

@Suite struct JSONParserTests {
    // MARK: Values

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" {"a": [1, -2.5, true, false, null], "b": {"c": "d"}, "e": []} "#)
        let expected: JSONValue = [
            "a": [1, .number(JSONNumber(text: "-2.5")!), true, false, nil],
            "b": ["c": "d"],
            "e": [],
        ]
        #expect(value == expected)
        #expect(value.objectValue?.keys == ["a", "b", "e"])
    }

    @Test func acceptsScalarsAtTheTopLevel() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse(" false ") == .bool(false))
        #expect(try parse("\"x\"") == .string("x"))
        #expect(try parse("0") == .number(JSONNumber(0)))
    }

    @Test func acceptsTheFourWhitespaceCharactersAroundTokens() throws {
        let value = try parse(" \t\r\n[ 1 ,\t2\r,\n{ \"k\" : \"v\" } ]\n\r\t ")
        #expect(value == [1, 2, ["k": "v"]])
    }

    @Test func keepsObjectKeysInReceivedOrder() throws {
        let value = try parse(#"{"z":1,"a":2,"m":3}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
    }

    @Test func repeatedKeyKeepsLastValueAtFirstPosition() throws {
        let value = try parse(#"{"a":1,"b":2,"a":3}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 3)
        #expect(object["b"] == 2)
    }

    @Test func repeatedKeyInLargeObjectKeepsLastValue() throws {
        let members = (0..<40).map { "\"k\($0)\":\($0)" } + ["\"k7\":\"late\""]
        let object = try #require(try parse("{" + members.joined(separator: ",") + "}").objectValue)
        #expect(object.count == 40)
        #expect(object.keys[7] == "k7")
        #expect(object["k7"] == "late")
        #expect(object["k39"] == 39)
    }

    @Test func objectWithManyKeysParsesInLinearTime() throws {
        let members = (0..<50_000).map { "\"key\($0)\":\($0)" }
        let object = try #require(try parse("{" + members.joined(separator: ",") + "}").objectValue)
        #expect(object.count == 50_000)
        #expect(object["key49999"] == 49_999)
        #expect(object["missing"] == nil)
    }

    // MARK: Numbers

    @Test(arguments: [
        "0", "-0", "1", "-1", "1.0", "1.50", "0.5", "-0.0", "1e2", "1E2", "1e+2", "1E+2", "1e-2",
        "1.5e10", "-1.5E-10", "0e0", "12345678901234567890123", "9223372036854775807",
        "-9223372036854775808", "1e400", "1e-400", "0.000000000000000000000000000001",
    ])
    func keepsTheExactSpellingOfNumbers(_ text: String) throws {
        let value = try parse(text)
        #expect(value.numberValue?.text == text)
        #expect(JSONWriter.string(value) == text)
        #expect(JSONWriter.string(try parse("[\(text)]")) == "[\(text)]")
    }

    @Test(arguments: [
        "01", "-01", "00", "+1", ".5", "-.5", "1.", "1.e5", "-", "--1", "- 1", "1e", "1e+", "1E-",
        "1e+-2", "NaN", "Infinity", "-Infinity", "0x10", "1_000", "[01]", "[1.]", "[-]", "{\"a\":+1}",
    ])
    func rejectsNumbersOutsideTheGrammar(_ text: String) {
        #expect(parseError(text)?.reason == .invalidJSON)
    }

    // MARK: Strings

    @Test func decodesEveryEscape() throws {
        let value = try parse(#""\" \\ \/ \b \f \n \r \t \u0041 \u00e9 \u20AC \u0000""#)
        #expect(value == .string("\" \\ / \u{08} \u{0C} \n \r \t A é € \u{0}"))
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try parse(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try parse(#""a\ud83d\ude00b""#) == .string("a😀b"))
        #expect(try parse(#""\uDBFF\uDFFF""#) == .string("\u{10FFFF}"))
        #expect(try parse(#""\uD800\uDC00""#) == .string("\u{10000}"))
    }

    @Test(arguments: [
        #""\uD800""#, #""\uD800x""#, #""\uD800\u0041""#, #""\uD800\uD800""#, #""\uDC00""#,
        #""\uDFFF\uD800""#, #""\uD83D\n""#, #""\uD83D\"#,
    ])
    func rejectsLoneSurrogateEscapes(_ text: String) {
        #expect(parseError(text)?.reason == .invalidJSON)
    }

    @Test(arguments: [#""\x""#, #""\U0041""#, #""\u12""#, #""\u12G4""#, #""\"#, #""\'""#, #""\u""#])
    func rejectsMalformedEscapes(_ text: String) {
        #expect(parseError(text)?.reason == .invalidJSON)
    }

    @Test func rejectsRawControlCharactersInStrings() throws {
        for byte in UInt8(0)..<0x20 {
            let error = parseError([0x22, 0x61, byte, 0x22])
            #expect(error == JSONParseError(reason: .invalidJSON, offset: 2), "byte \(byte)")
        }
        #expect(try parse("\"\u{7F}\"") == .string("\u{7F}"))
    }

    @Test func classifiesEveryByteAtEveryPositionOfAWord() throws {
        for position in 0..<17 {
            for byte in UInt8(0)...UInt8(255) {
                var text = [UInt8](repeating: UInt8(ascii: "a"), count: 17)
                text[position] = byte
                let bytes = [0x22] + text + [0x22]
                let error = parseError(bytes)
                switch byte {
                case 0x22: #expect(error == JSONParseError(reason: .invalidJSON, offset: position + 2))
                case 0x5C: #expect(error?.reason == .invalidJSON)
                case 0..<0x20: #expect(error == JSONParseError(reason: .invalidJSON, offset: position + 1))
                case 0x80...: #expect(error == JSONParseError(reason: .invalidUTF8, offset: position + 1))
                default: #expect(error == nil, "byte \(byte) at \(position)")
                }
            }
        }
    }

    @Test func acceptsUTF8AtEveryBoundary() throws {
        for scalar in ["\u{80}", "\u{7FF}", "\u{800}", "\u{D7FF}", "\u{E000}", "\u{FFFD}", "\u{FFFF}",
                       "\u{10000}", "\u{10FFFF}", "é", "日本語", "😀"] {
            #expect(try parse("\"\(scalar)\"") == .string(scalar))
        }
    }

    @Test(arguments: [
        [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xF0, 0x80, 0x80, 0x80],
        [0xF0, 0x8F, 0xBF, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF5, 0x80, 0x80, 0x80], [0xF8], [0xFE], [0xFF], [0x80], [0xBF], [0xC3], [0xE2, 0x82],
        [0xF0, 0x9F, 0x98], [0xC3, 0x41], [0xE2, 0x41, 0x82], [0xF0, 0x9F, 0x41, 0x80],
    ] as [[UInt8]])
    func rejectsIllFormedUTF8InsideStrings(_ sequence: [UInt8]) {
        let bytes: [UInt8] = [0x5B, 0x22, 0x61] + sequence + [0x22, 0x5D]
        #expect(parseError(bytes) == JSONParseError(reason: .invalidUTF8, offset: 3))
        #expect(parseError([0x22] + sequence) == JSONParseError(reason: .invalidUTF8, offset: 1))
    }

    @Test func reportsIllFormedUTF8AnywhereEvenAfterAnotherError() {
        #expect(parseError([0xFF]) == JSONParseError(reason: .invalidUTF8, offset: 0))
        #expect(parseError(Array("[1,,".utf8) + [0xC0, 0x80]) == JSONParseError(reason: .invalidUTF8, offset: 4))
        #expect(parseError(Array("{} ".utf8) + [0xED, 0xA0, 0x80]) == JSONParseError(reason: .invalidUTF8, offset: 3))
        #expect(parseError(Array(String(repeating: "[", count: 300).utf8) + [0x80])?.reason == .invalidUTF8)
        // Well-formed non-ASCII outside a string is merely invalid JSON.
        #expect(parseError("[é]") == JSONParseError(reason: .invalidJSON, offset: 1))
    }

    @Test func rejectsALeadingByteOrderMark() {
        #expect(parseError([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == JSONParseError(reason: .invalidJSON, offset: 0))
    }

    // MARK: Structure

    @Test(arguments: [
        "", " ", "\n", "[", "]", "{", "}", "[1,]", "[,1]", "[1 2]", "[,]", "{,}", #"{"a"}"#, #"{"a":}"#,
        #"{"a":1,}"#, #"{"a" 1}"#, "{a:1}", "{1:1}", #"{"a":1 "b":2}"#, "1 2", "truex", "tru", "nul",
        "fals", "True", "NULL", "'a'", "{}x", #"{"a":1}}"#, "[1]]", "\u{0B}1", "\u{0C}1", "1\u{0}",
        "\"abc", "\"abc\\", "[\"a\":1]", "{\"a\",1}", "//1", "1 // c", "/* */ 1", "[1,2",
        "{\"a\":{\"b\":[}}",
    ])
    func rejectsMalformedStructure(_ text: String) {
        #expect(parseError(text)?.reason == .invalidJSON)
    }

    @Test func reportsTheOffsetOfTheProblem() {
        #expect(parseError("[1,]")?.offset == 3)
        #expect(parseError("{} x")?.offset == 3)
        #expect(parseError("")?.offset == 0)
        #expect(parseError("[1")?.offset == 2)
        #expect(parseError("\"abc")?.offset == 4)
    }

    @Test func acceptsAnEmptyBufferWithoutABaseAddress() {
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        #expect(throws: JSONParseError(reason: .invalidJSON, offset: 0)) { try JSONParser.parse(empty) }
    }

    // MARK: Depth

    static func nested(_ depth: Int, open: String = "[", close: String = "]") -> String {
        String(repeating: open, count: depth) + String(repeating: close, count: depth)
    }

    @Test func acceptsNestingUpToMaxDepth() throws {
        #expect(JSONParser.maxDepth == 256)
        var value = try parse(Self.nested(256))
        var depth = 0
        while case .array(let elements) = value {
            depth += 1
            value = elements.first ?? .null
        }
        #expect(depth == 256)
        _ = try parse(Self.nested(128, open: #"{"a":["#, close: "]}"))
        _ = try parse(String(repeating: #"{"a":"#, count: 256) + "1" + String(repeating: "}", count: 256))
    }

    @Test func rejectsNestingBeyondMaxDepth() {
        #expect(parseError(Self.nested(257)) == JSONParseError(reason: .tooDeep, offset: 256))
        #expect(parseError(String(repeating: "[", count: 256) + "{}" + String(repeating: "]", count: 256))?.reason == .tooDeep)
        #expect(parseError(String(repeating: #"{"a":"#, count: 257) + "1" + String(repeating: "}", count: 257))?.reason == .tooDeep)
    }

    @Test func survivesAHundredThousandOpenBrackets() {
        #expect(parseError(String(repeating: "[", count: 100_000))?.reason == .tooDeep)
        #expect(parseError(Self.nested(100_000))?.reason == .tooDeep)
        #expect(parseError(String(repeating: #"{"a":"#, count: 100_000))?.reason == .tooDeep)
    }

    // MARK: Fuzzing

    /// Parsing must never trap; a success must survive write → parse unchanged; a failure must
    /// point inside the input.
    static func checkNeverTraps(_ bytes: [UInt8]) {
        // An exactly sized allocation, so that an address sanitizer run catches any read past
        // the end (an array's storage may have spare capacity behind it).
        let exact = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        defer { exact.deallocate() }
        _ = exact.initialize(from: bytes)
        let fromBuffer = Result { () throws(JSONParseError) in try JSONParser.parse(UnsafeBufferPointer(exact)) }
        let fromArray = Result { () throws(JSONParseError) in try JSONParser.parse(bytes) }
        #expect(fromBuffer == fromArray)
        do {
            let value = try JSONParser.parse(bytes)
            let written = JSONWriter.bytes(value)
            #expect(!written.contains(0x0A))
            #expect(try JSONParser.parse(written) == value)
        } catch {
            #expect(error.offset >= 0 && error.offset <= bytes.count)
        }
    }

    @Test func randomBytesNeverTrap() {
        var rng = SplitMix64(seed: 0x70BA)
        let alphabet = Array(#"{}[]:,"\ 0123456789-+.eEtrufalsn/bu"#.utf8) + [0x0A, 0x09, 0xC3, 0xA9, 0xED, 0xF0, 0x80, 0xFF]
        for round in 0..<20_000 {
            let length = Int.random(in: 0...48, using: &rng)
            let bytes: [UInt8] = (0..<length).map { _ in
                round.isMultiple(of: 2) ? UInt8.random(in: 0...255, using: &rng) : alphabet.randomElement(using: &rng)!
            }
            Self.checkNeverTraps(bytes)
        }
    }

    static let seeds: [String] = [
        #"{"jsonrpc":"2.0","method":"auth.login","params":{"email":"a@b.c","password":"hunter2!"},"id":1}"#,
        #"[{"jsonrpc":"2.0","method":"x","id":"abc"},{"jsonrpc":"2.0","method":"y"}]"#,
        #"{"a":[1,-2.5e+3,true,false,null,{"b":"\u00e9\uD83D\uDE00\n\"q\""}],"c":{}}"#,
        #"[[[[[[[[["deep"]]]]]]]]]"#,
        "{\"ünï\":\"日本語😀\",\"n\":-0.000e-0}",
        " [ 1 , 2 , 3 ] ",
    ]

    @Test func mutatedDocumentsNeverTrap() throws {
        var rng = SplitMix64(seed: 0xC0DEC)
        let tokens = ["[", "]", "{", "}", ",", ":", "\"", "\\", "\\u", "\\uD800", "1", "-", ".", "e", "null", " "]
            .map { Array($0.utf8) } + [[0xC0], [0xE2, 0x82], [0xFF], [0x00], [0x0A]]
        for seed in Self.seeds { _ = try JSONParser.parse(Array(seed.utf8)) }
        for _ in 0..<20_000 {
            var bytes = Array(Self.seeds.randomElement(using: &rng)!.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0...bytes.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0 where at < bytes.count: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.insert(contentsOf: tokens.randomElement(using: &rng)!, at: at)
                case 2: bytes.removeSubrange(at..<Swift.min(bytes.count, at + Int.random(in: 1...8, using: &rng)))
                case 3: bytes.insert(contentsOf: bytes[at...].prefix(Int.random(in: 1...16, using: &rng)), at: at)
                default: bytes.removeSubrange(at...)
                }
            }
            Self.checkNeverTraps(bytes)
        }
    }
}
