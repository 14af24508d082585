package import TobaRPC

/// Reads a top-level JSON array one element at a time, so a dump of any size is read with the
/// memory of its largest element (`manage.py dumpdata` writes one array of objects).
///
/// The bytes come from `readChunk` in pieces of any size (an empty piece is the end of input).
/// The reader only finds where each element ends — tracking strings, escapes and nesting — and
/// hands the element's bytes to ``JSONParser``, which checks everything else. Every element must
/// be an object.
package struct DumpArrayReader {
    package struct Element {
        /// 0-based position in the array.
        package let index: Int
        package let value: JSONValue
    }

    /// A larger element is refused rather than buffered: no row of these apps comes near it.
    package static let maxElementBytes = 256 << 20

    private let readChunk: () throws -> [UInt8]
    private var chunk: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var state = State.start
    private var nextIndex = 0
    /// Bytes consumed so far (for progress and error positions).
    package private(set) var bytesRead: Int64 = 0

    private enum State { case start, beforeFirst, beforeElement, afterElement, done }

    package init(readChunk: @escaping () throws -> [UInt8]) {
        self.readChunk = readChunk
    }

    /// The next element, or nil once the array is closed and only whitespace follows it.
    package mutating func next() throws -> Element? {
        while true {
            switch state {
            case .start:
                try skipByteOrderMark()
                guard let byte = try nextNonWhitespace() else { throw failure("the file is empty: a JSON array was expected") }
                guard byte == UInt8(ascii: "[") else { throw failure("the file does not start with a JSON array") }
                state = .beforeFirst
            case .beforeFirst, .beforeElement:
                guard let byte = try peekNonWhitespace() else { throw failure("the file ends before the array is closed") }
                if byte == UInt8(ascii: "]"), state == .beforeFirst {
                    advance()
                    state = .done
                    continue
                }
                guard byte == UInt8(ascii: "{") else {
                    throw DumpDataError("not a JSON object (\(describe(byte)) at byte \(bytesRead))", elementIndex: nextIndex)
                }
                let bytes = try readObject()
                let value: JSONValue
                do {
                    value = try JSONParser.parse(bytes)
                } catch {
                    throw DumpDataError("invalid JSON (\(error.reason.rawValue) at byte \(bytesRead - Int64(bytes.count) + Int64(error.offset)))",
                                        elementIndex: nextIndex)
                }
                state = .afterElement
                defer { nextIndex += 1 }
                return Element(index: nextIndex, value: value)
            case .afterElement:
                guard let byte = try nextNonWhitespace() else { throw failure("the file ends before the array is closed") }
                if byte == UInt8(ascii: ",") {
                    state = .beforeElement
                } else if byte == UInt8(ascii: "]") {
                    state = .done
                } else {
                    throw failure("expected `,` or `]` after the element at index \(nextIndex - 1), found \(describe(byte))")
                }
            case .done:
                if let byte = try nextNonWhitespace() {
                    throw failure("unexpected \(describe(byte)) after the end of the array")
                }
                return nil
            }
        }
    }

    /// The bytes of one object, from its `{` (the current byte) to its matching `}`.
    private mutating func readObject() throws -> [UInt8] {
        var element: [UInt8] = []
        var depth = 0
        var inString = false
        var escaped = false
        while true {
            guard try fill() else {
                throw DumpDataError("the file ends inside this element", elementIndex: nextIndex)
            }
            let start = position
            var end: Int?
            chunk.withUnsafeBufferPointer { bytes in
                var i = position
                while i < bytes.count {
                    let byte = bytes[i]
                    i += 1
                    if inString {
                        if escaped {
                            escaped = false
                        } else if byte == UInt8(ascii: "\\") {
                            escaped = true
                        } else if byte == UInt8(ascii: "\"") {
                            inString = false
                        }
                    } else if byte == UInt8(ascii: "\"") {
                        inString = true
                    } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                        depth += 1
                    } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                        depth -= 1
                        if depth == 0 {
                            end = i
                            return
                        }
                    }
                }
            }
            let stop = end ?? chunk.count
            element.append(contentsOf: chunk[start..<stop])
            bytesRead += Int64(stop - start)
            position = stop
            guard element.count <= Self.maxElementBytes else {
                throw DumpDataError("larger than \(Self.maxElementBytes >> 20) MiB", elementIndex: nextIndex)
            }
            if end != nil { return element }
        }
    }

    /// Makes sure `chunk[position]` exists; false at the end of input.
    private mutating func fill() throws -> Bool {
        while position >= chunk.count {
            if atEnd { return false }
            chunk = try readChunk()
            position = 0
            if chunk.isEmpty { atEnd = true }
        }
        return true
    }

    private mutating func advance() {
        position += 1
        bytesRead += 1
    }

    private mutating func peekNonWhitespace() throws -> UInt8? {
        while try fill() {
            let byte = chunk[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return byte }
            advance()
        }
        return nil
    }

    private mutating func nextNonWhitespace() throws -> UInt8? {
        guard let byte = try peekNonWhitespace() else { return nil }
        advance()
        return byte
    }

    /// A UTF-8 byte order mark at the very start is skipped (some editors add one).
    private mutating func skipByteOrderMark() throws {
        let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
        guard try fill(), chunk[position] == mark[0] else { return }
        for expected in mark {
            guard try fill(), chunk[position] == expected else {
                throw failure("the file does not start with a JSON array")
            }
            advance()
        }
    }

    private func failure(_ message: String) -> DumpDataError {
        DumpDataError(message + " (byte \(bytesRead))")
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "`\(Character(Unicode.Scalar(byte)))`" : "byte 0x" + String(byte, radix: 16)
    }
}
