// libFuzzer entry point over the pure parts of TobaRPC: LineFramer, JSONParser/JSONWriter,
// Request.validate and Params. Compiled into the TobaRPC module itself by scripts/fuzz.sh (so
// internal API is reachable); never part of `swift build` or `swift test`.
//
// Beyond "no crash, no memory error" (AddressSanitizer), every input is checked against
// properties; a broken property traps, which libFuzzer reports as a crash with the input saved.

@_cdecl("LLVMFuzzerTestOneInput")
public func tobaFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    FuzzProperties.framing(bytes)
    FuzzProperties.parsing(Array(bytes.dropFirst()))
    return 0
}

/// A violated property: traps with a message (libFuzzer saves the input as `crash-…`).
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("property violated: " + message()) }
}

/// A deterministic generator seeded from the input, so one input always runs the same way.
struct InputGenerator {
    private var state: UInt64

    init(_ bytes: [UInt8]) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        state = hash
    }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(max(1, bound)))
    }
}

enum FuzzProperties {
    // MARK: Framing

    /// The first byte picks the line limit (0…255, small so the size cap is exercised); the rest
    /// is the stream. Whole, byte by byte and in random chunks the framer gives the same frames,
    /// and those are the frames of a straightforward reference model.
    static func framing(_ input: [UInt8]) {
        guard let first = input.first else { return }
        let limit = Int(first)
        let stream = Array(input.dropFirst())
        let whole = frames(stream, limit: limit, chunks: [stream.count])
        require(whole == reference(stream, limit: limit), "framer ≠ reference model (limit \(limit))")
        for frame in whole {
            if case .line(let line) = frame {
                require(line.count <= limit, "a framed line is over the limit")
                require(!line.contains(0x0A), "a framed line holds a newline")
            }
        }
        require(frames(stream, limit: limit, chunks: Array(repeating: 1, count: stream.count)) == whole, "byte-by-byte chunking differs")
        var rng = InputGenerator(input)
        for _ in 0..<3 {
            var sizes: [Int] = []
            var left = stream.count
            while left > 0 {
                let size = min(left, rng.next(below: 2) == 0 ? rng.next(below: 4) : rng.next(below: limit + 3))
                sizes.append(size)
                left -= size
            }
            require(frames(stream, limit: limit, chunks: sizes) == whole, "chunking \(sizes) differs")
        }
        // One framer reused after finish() starts clean.
        var framer = LineFramer(maxLineBytes: limit)
        _ = framer.push(stream)
        _ = framer.finish()
        require(framer.push(stream) + framer.finish() == whole, "a framer reused after finish() differs")
    }

    /// Pushes `stream` cut into pieces of `chunks` bytes (empty pieces included; every other one
    /// as raw bytes, as StdinReader pushes them), then finishes.
    static func frames(_ stream: [UInt8], limit: Int, chunks: [Int]) -> [LineFramer.Frame] {
        var framer = LineFramer(maxLineBytes: limit)
        var out: [LineFramer.Frame] = []
        var start = 0
        for (k, size) in chunks.enumerated() {
            let piece = Array(stream[start..<start + size])
            out += k % 2 == 0 ? framer.push(piece) : piece.withUnsafeBytes { framer.push($0) }
            start += size
        }
        out += framer.push(Array(stream[start...]))
        return out + framer.finish()
    }

    /// What LineFramer documents: lines end at `\n`, one `\r` before it (or at the very end) is
    /// dropped, lines of only spaces/tabs/`\r` give nothing, longer lines than `limit` give one
    /// `.tooLarge`, a last line without `\n` is framed at the end.
    static func reference(_ stream: [UInt8], limit: Int) -> [LineFramer.Frame] {
        var pieces = stream.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if pieces.last?.isEmpty == true { pieces.removeLast() }
        return pieces.compactMap { piece -> LineFramer.Frame? in
            if piece.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
            let line = piece.last == 0x0D ? Array(piece.dropLast()) : piece
            return line.count > limit ? .tooLarge : .line(line)
        }
    }

    // MARK: Parsing

    /// The stream (the input after its first byte) as one JSON text, and each of its lines as
    /// one, as the pipeline reads them.
    static func parsing(_ input: [UInt8]) {
        parseOne(input)
        var framer = LineFramer(maxLineBytes: 1 << 20)
        for case .line(let line) in framer.push(input) + framer.finish() where line.count != input.count {
            parseOne(line)
        }
    }

    static func parseOne(_ bytes: [UInt8]) {
        let validUTF8 = String(validating: bytes, as: UTF8.self) != nil
        require(validUTF8 == (bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset(in: $0) } == nil),
                "UTF8Validation disagrees with the standard library")
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            require(error.offset >= 0 && error.offset <= bytes.count, "error offset \(error.offset) outside the input")
            require(validUTF8 == (error.reason != .invalidUTF8), "invalid_utf8 iff the bytes are not UTF-8 (\(error))")
            return
        }
        require(validUTF8, "parsed a text that is not UTF-8")
        require(depth(value) <= JSONParser.maxDepth, "parsed deeper than maxDepth")
        // parse → write → parse is stable, and writing again gives the very same bytes.
        let written = JSONWriter.bytes(value)
        require(!written.contains(0x0A) && !written.contains(0x0D), "written JSON is not one line")
        guard let again = try? JSONParser.parse(written) else { fatalError("property violated: written JSON does not parse") }
        require(again == value, "parse(write(v)) ≠ v")
        require(JSONWriter.bytes(again) == written, "write(parse(write(v))) ≠ write(v)")
        numbers(value)
        requests(value)
    }

    static func depth(_ value: JSONValue) -> Int {
        switch value {
        case .array(let items): 1 + (items.map(depth).max() ?? 0)
        case .object(let object): 1 + (object.map { depth($0.value) }.max() ?? 0)
        default: 0
        }
    }

    /// Every number's spelling is valid on its own, and its conversions agree with each other.
    static func numbers(_ value: JSONValue) {
        switch value {
        case .number(let number):
            require(JSONNumber(text: number.text) == number, "a parsed number's spelling is refused on its own")
            if let i = number.int64 {
                require(Int64(param: value) == i, "Int64 param ≠ int64")
                if let d = number.double { require(d == Double(i) || abs(d - Double(i)) <= abs(Double(i)) * 1e-15, "int64 and double disagree") }
            } else {
                require(Int64(param: value) == nil && Int(param: value) == nil, "a non-integer spelling read as an integer")
            }
            if let d = Double(param: value) { require(d.isFinite, "a non-finite double param") }
        case .array(let items): items.forEach(numbers)
        case .object(let object): object.forEach { numbers($0.value) }
        default: break
        }
    }
}
