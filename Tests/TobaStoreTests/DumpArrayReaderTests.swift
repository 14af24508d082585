import Testing
import TobaRPC
@testable import TobaStore

@Suite struct DumpArrayReaderTests {
    /// A reader over `text` served in pieces of `size` bytes; `served` counts the pieces handed out.
    private final class Pieces {
        let bytes: [UInt8]
        let size: Int
        var offset = 0
        var served = 0

        init(_ text: String, size: Int) {
            bytes = Array(text.utf8)
            self.size = size
        }

        func next() -> [UInt8] {
            let end = min(offset + size, bytes.count)
            defer { offset = end }
            served += 1
            return Array(bytes[offset..<end])
        }
    }

    private func elements(_ text: String, size: Int) throws -> [JSONValue] {
        let pieces = Pieces(text, size: size)
        var reader = DumpArrayReader(readChunk: pieces.next)
        var values: [JSONValue] = []
        while let element = try reader.next() {
            #expect(element.index == values.count)
            values.append(element.value)
        }
        return values
    }

    private func failure(_ text: String) -> DumpDataError? {
        do {
            _ = try elements(text, size: 3)
            return nil
        } catch {
            return error as? DumpDataError
        }
    }

    static let tricky = #"""
        [
          {"model": "a.b", "fields": {"s": "brace } bracket ] quote \" backslash \\", "t": "\\\"}"}},
          {"model": "a.c", "fields": {"list": [[], {}, [{"x": "]"}]], "u": "\u00e9\ud83d\ude00"}}
        ]
        """#

    @Test func elementsComeOutTheSameWhateverThePiecesSizes() throws {
        // Given a dump whose strings hold brackets, quotes and escapes
        let whole = try #require(try JSONParser.parse(Array(Self.tricky.utf8)).arrayValue)
        // When it is read in pieces of every size from one byte to the whole text
        for size in [1, 2, 3, 5, 7, 16, 64, Self.tricky.utf8.count] {
            // Then every element is the one the whole text holds
            #expect(try elements(Self.tricky, size: size) == whole, "pieces of \(size) bytes")
        }
    }

    @Test func anEmptyArrayAndAByteOrderMarkAreRead() throws {
        #expect(try elements(" [ ] \n", size: 1).isEmpty)
        #expect(try elements("\u{FEFF}[{\"a\": 1}]", size: 1) == [["a": 1]])
    }

    @Test func theFirstElementArrivesBeforeTheRestOfTheFileIsRead() throws {
        // Given a long dump served in small pieces
        let text = "[" + Array(repeating: #"{"model": "users.category", "pk": 1, "fields": {"name": "x"}}"#, count: 1000)
            .joined(separator: ",") + "]"
        let pieces = Pieces(text, size: 100)
        var reader = DumpArrayReader(readChunk: pieces.next)
        // When the first element is read
        _ = try #require(try reader.next())
        // Then only the pieces it spans were read
        #expect(pieces.served == 1)
    }

    @Test func malformedArraysAreRefusedWithTheirPlace() {
        #expect(failure("")?.message.contains("the file is empty") == true)
        #expect(failure(#"{"model": "x"}"#)?.message.contains("does not start with a JSON array") == true)
        #expect(failure(#"[{"a": 1},]"#)?.elementIndex == 1)
        #expect(failure(#"[{"a": 1}, 5]"#)?.message.contains("not a JSON object") == true)
        #expect(failure(#"[{"a": 1} {"b": 2}]"#)?.message.contains("expected `,` or `]`") == true)
        #expect(failure(#"[{"a": 1}] x"#)?.message.contains("after the end of the array") == true)
        #expect(failure(#"[{"a": 1}, {"b": "#)?.message.contains("ends inside this element") == true)
        #expect(failure(#"[{"a": 1}"#)?.message.contains("ends before the array is closed") == true)
        let invalid = failure(#"[{"a": 1}, {"b": tru}]"#)
        #expect(invalid?.elementIndex == 1)
        #expect(invalid?.message.contains("invalid JSON") == true)
    }
}
