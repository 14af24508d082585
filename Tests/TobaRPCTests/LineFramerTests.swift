import Testing
@testable import TobaRPC

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
private func line(_ text: String) -> LineFramer.Frame { .line(bytes(text)) }

/// Frames `input` pushed as the given chunks, then finished.
private func frames(_ chunks: [[UInt8]], max: Int = 64) -> [LineFramer.Frame] {
    var framer = LineFramer(maxLineBytes: max)
    var out: [LineFramer.Frame] = []
    for chunk in chunks { out += framer.push(chunk) }
    return out + framer.finish()
}

/// What framing the whole input at once must give: split at `\n`, drop one trailing `\r`,
/// drop blank lines, cap the length.
private func reference(_ input: [UInt8], max: Int) -> [LineFramer.Frame] {
    var result: [LineFramer.Frame] = []
    for piece in input.split(separator: 0x0A, omittingEmptySubsequences: false) {
        var content = Array(piece)
        if content.last == 0x0D { content.removeLast() }
        if piece.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
        result.append(content.count > max ? .tooLarge : .line(content))
    }
    return result
}

@Suite struct LineFramerTests {
    @Test func framesSeveralLinesFromOneChunkInOrder() {
        #expect(frames([bytes("{\"a\":1}\n[2]\n3\n")]) == [line("{\"a\":1}"), line("[2]"), line("3")])
    }

    @Test func reassemblesALineSplitOverManyChunks() {
        let input = bytes("{\"method\":\"x\"}\n{\"id\":2}\n")
        #expect(frames(input.map { [$0] }) == [line("{\"method\":\"x\"}"), line("{\"id\":2}")])
        for cut in 0...input.count {
            #expect(frames([Array(input[..<cut]), Array(input[cut...])]) == [line("{\"method\":\"x\"}"), line("{\"id\":2}")])
        }
    }

    @Test func acceptsCRLFEvenWhenSplitBetweenCRAndLF() {
        #expect(frames([bytes("a\r\nb\r\n")]) == [line("a"), line("b")])
        #expect(frames([bytes("a\r"), bytes("\nb\r"), bytes("\n")]) == [line("a"), line("b")])
    }

    @Test func stripsOnlyOneTrailingCarriageReturn() {
        #expect(frames([bytes("a\r\r\n")]) == [line("a\r")])
        #expect(frames([bytes("a\rb\n")]) == [line("a\rb")])
        #expect(frames([bytes(" a \n")]) == [line(" a ")])
    }

    @Test func dropsEmptyAndWhitespaceOnlyLines() {
        #expect(frames([bytes("\n\n \n\t\n\r\n \t\r \r\n1\n\n")]) == [line("1")])
        #expect(frames([bytes("   ")]) == [])
        #expect(frames([bytes("\r")]) == [])
        #expect(frames([]) == [])
    }

    @Test func framesAFinalUnterminatedLineAtEOF() {
        #expect(frames([bytes("1\n{\"a\""), bytes(":2}")]) == [line("1"), line("{\"a\":2}")])
        #expect(frames([bytes("x\r")]) == [line("x")])
    }

    @Test func finishEmptiesTheFramerForReuse() {
        var framer = LineFramer(maxLineBytes: 8)
        #expect(framer.push(bytes("abc")) == [])
        #expect(framer.finish() == [line("abc")])
        #expect(framer.finish() == [])
        #expect(framer.push(bytes("d\n")) == [line("d")])
    }

    @Test func acceptsALineOfExactlyTheLimit() {
        let exact = String(repeating: "x", count: 10)
        for input in [exact + "\n", exact + "\r\n", exact] {
            let all = bytes(input)
            for cut in 0...all.count {
                #expect(frames([Array(all[..<cut]), Array(all[cut...])], max: 10) == [line(exact)], "\(input) cut \(cut)")
            }
        }
    }

    @Test func reportsALineOneByteOverTheLimitOnce() {
        let over = String(repeating: "x", count: 11)
        for input in [over + "\nok\n", over + "\r\nok\n", over + "\rok\n"] {
            let all = bytes(input)
            let expected: [LineFramer.Frame] = input.hasSuffix("\rok\n") ? [.tooLarge] : [.tooLarge, line("ok")]
            for cut in 0...all.count {
                #expect(frames([Array(all[..<cut]), Array(all[cut...])], max: 10) == expected, "\(input) cut \(cut)")
            }
            #expect(frames(all.map { [$0] }, max: 10) == expected)
        }
    }

    @Test func resumesFramingAfterAnOversizedLine() {
        var framer = LineFramer(maxLineBytes: 4)
        #expect(framer.push(bytes("1234567")) == [.tooLarge])
        #expect(framer.push(bytes("89")) == [])
        #expect(framer.push(bytes("0\n[1]\n")) == [line("[1]")])
        #expect(framer.finish() == [])
        #expect(frames([bytes("{\"too\":\"long\"}\n{}\n")], max: 4) == [.tooLarge, line("{}")])
    }

    @Test func reportsAnOversizedFinalLineAtEOF() {
        var framer = LineFramer(maxLineBytes: 4)
        #expect(framer.push(bytes("ok\n12345")) == [line("ok")])
        #expect(framer.finish() == [.tooLarge])
        #expect(frames([bytes("123456789")], max: 4) == [.tooLarge])
    }

    @Test func oversizedWhitespaceIsDroppedUnlessContentFollows() {
        let spaces = String(repeating: " ", count: 100)
        #expect(frames([bytes(spaces + "\n1\n")], max: 10) == [line("1")])
        #expect(frames(bytes(spaces + "\n1\n").map { [$0] }, max: 10) == [line("1")])
        #expect(frames([bytes(spaces), bytes("x"), bytes(spaces + "\n1\n")], max: 10) == [.tooLarge, line("1")])
        #expect(frames([bytes(spaces + "x\n")], max: 10) == [.tooLarge])
    }

    @Test func treatsANonPositiveLimitAsZero() {
        #expect(frames([bytes("a\n\n \n")], max: 0) == [.tooLarge])
        #expect(frames([bytes("a\n")], max: -5) == [.tooLarge])
        #expect(LineFramer(maxLineBytes: -5).maxLineBytes == 0)
    }

    @Test func acceptsTheLargestPossibleLimit() {
        #expect(frames([bytes("abc\r"), bytes("\nde")], max: .max) == [line("abc"), line("de")])
    }

    @Test func acceptsRawBufferChunks() {
        var framer = LineFramer(maxLineBytes: 16)
        let result = bytes("a\nb").withUnsafeBytes { framer.push($0) }
        #expect(result == [line("a")])
        #expect(UnsafeRawBufferPointer(start: nil, count: 0).withMemoryRebound(to: UInt8.self) { _ in framer.push(UnsafeRawBufferPointer(start: nil, count: 0)) } == [])
        #expect(framer.finish() == [line("b")])
    }

    @Test func discardsATenMegabyteLineWithoutBufferingIt() {
        var framer = LineFramer(maxLineBytes: 1 << 20)
        var out: [LineFramer.Frame] = []
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        for _ in 0..<160 {
            out += framer.push(chunk)
            #expect(framer.reservedBytes <= 2 * ((1 << 20) + 1))
        }
        out += framer.push(bytes("\n{\"id\":1}\n"))
        out += framer.finish()
        #expect(out == [.tooLarge, line("{\"id\":1}")])
    }

    @Test func matchesWholeInputFramingForRandomChunkings() {
        var rng = SplitMix64(seed: 0xF4A3)
        let pieces = ["{}", "[1,2]", "x", " ", "\t", "\r", "\r\n", "\n", "\n\n", String(repeating: "y", count: 9),
                      String(repeating: " ", count: 12), String(repeating: "z", count: 30)]
        for _ in 0..<3_000 {
            let limit = Int.random(in: 0...24, using: &rng)
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &rng) { input += bytes(pieces.randomElement(using: &rng)!) }
            var chunks: [[UInt8]] = []
            var rest = input[...]
            while !rest.isEmpty {
                let size = Int.random(in: 1...max(1, rest.count), using: &rng)
                chunks.append(Array(rest.prefix(size)))
                rest = rest.dropFirst(size)
            }
            #expect(frames(chunks, max: limit) == reference(input, max: limit), "\(input) max \(limit)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func framesAHundredMegabytesQuickly() {
        var lineBytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1023)
        lineBytes.append(0x0A)
        let chunk = Array((0..<64).map { _ in lineBytes }.joined())
        var framer = LineFramer(maxLineBytes: 1 << 20)
        var count = 0
        for _ in 0..<1_600 {
            for frame in framer.push(chunk) {
                if case .line(let content) = frame, content.count == 1023 { count += 1 }
            }
        }
        #expect(framer.finish() == [])
        #expect(count == 102_400)
    }
}
