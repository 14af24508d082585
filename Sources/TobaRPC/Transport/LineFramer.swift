#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Cuts a byte stream into lines, independently of how the stream was chunked.
///
/// - A line ends at `\n`; a `\r` just before it is dropped too (`\r\n` endings).
/// - Lines that are empty or hold only spaces, tabs and `\r` produce no frame, whatever their
///   length.
/// - A line longer than `maxLineBytes` (not counting its terminator) produces one `.tooLarge`
///   as soon as that is certain; its remaining bytes are discarded, never buffered, up to the
///   next `\n`, where framing resumes. Memory stays O(`maxLineBytes`) for any input.
package struct LineFramer: Sendable {
    package enum Frame: Sendable, Equatable {
        /// A line without its `\n` and without a trailing `\r`.
        case line([UInt8])
        /// One per oversized line.
        case tooLarge
    }

    package let maxLineBytes: Int
    /// `maxLineBytes + 1` without overflowing: a full line may still be followed by its `\r`.
    private let pendingLimit: Int

    /// The start of the current line while it is within the limit (at most `maxLineBytes + 1`
    /// bytes: the extra one may be the `\r` of a `\r\n`).
    private var pending: [UInt8] = []
    private var mode = Mode.collecting

    private enum Mode: Sendable {
        case collecting
        /// Over the limit; `reported` says whether `.tooLarge` was emitted. An oversized line
        /// that is only whitespace so far is not reported unless something else follows.
        case discarding(reported: Bool)
    }

    /// Bytes reserved for the line being collected (for tests of the memory bound).
    var reservedBytes: Int { pending.capacity }

    /// A negative limit counts as 0 (every non-blank line is too large).
    package init(maxLineBytes: Int) {
        self.maxLineBytes = max(0, maxLineBytes)
        pendingLimit = self.maxLineBytes < Int.max ? self.maxLineBytes + 1 : Int.max
    }

    package mutating func push(_ chunk: [UInt8]) -> [Frame] {
        chunk.withUnsafeBufferPointer { push(bytes: $0) }
    }

    package mutating func push(_ chunk: UnsafeRawBufferPointer) -> [Frame] {
        chunk.withMemoryRebound(to: UInt8.self) { push(bytes: $0) }
    }

    /// At end of input: a final line without `\n` is framed like any other. The framer is then
    /// empty and can be reused.
    package mutating func finish() -> [Frame] {
        defer {
            pending.removeAll()
            mode = .collecting
        }
        guard case .collecting = mode, !pending.isEmpty else { return [] }
        return pending.withUnsafeBufferPointer { line in
            var frames: [Frame] = []
            emitLine(head: UnsafeBufferPointer(start: nil, count: 0), tail: line, into: &frames)
            return frames
        }
    }

    private mutating func push(bytes chunk: UnsafeBufferPointer<UInt8>) -> [Frame] {
        var frames: [Frame] = []
        let n = chunk.count
        var p = 0
        while p < n {
            let newline = LineFramer.firstNewline(in: chunk, from: p)
            let segment = UnsafeBufferPointer(rebasing: chunk[p..<(newline ?? n)])
            switch mode {
            case .collecting:
                if newline != nil {
                    pending.withUnsafeBufferPointer { head in
                        emitLine(head: head, tail: segment, into: &frames)
                    }
                    pending.removeAll(keepingCapacity: true)
                } else if pending.count + segment.count <= pendingLimit {
                    pending.append(contentsOf: segment)
                } else {
                    let reported = !LineFramer.isBlank(pending) || !LineFramer.isBlank(segment)
                    if reported { frames.append(.tooLarge) }
                    mode = .discarding(reported: reported)
                    pending.removeAll(keepingCapacity: true)
                }
            case .discarding(let reported):
                if !reported, !LineFramer.isBlank(segment) {
                    frames.append(.tooLarge)
                    mode = .discarding(reported: true)
                }
                if newline != nil { mode = .collecting }
            }
            p = newline.map { $0 + 1 } ?? n
        }
        return frames
    }

    /// Frames the complete line `head + tail` (terminator already removed).
    private func emitLine(
        head: UnsafeBufferPointer<UInt8>, tail: UnsafeBufferPointer<UInt8>, into frames: inout [Frame]
    ) {
        var length = head.count + tail.count
        let last = tail.last ?? head.last
        if last == UInt8(ascii: "\r") { length -= 1 }
        if LineFramer.isBlank(head) && LineFramer.isBlank(tail) { return }
        if length > maxLineBytes {
            frames.append(.tooLarge)
            return
        }
        var line: [UInt8] = []
        line.reserveCapacity(length)
        line.append(contentsOf: head.prefix(length))
        line.append(contentsOf: tail.prefix(length - line.count))
        frames.append(.line(line))
    }

    @inline(__always)
    private static func isBlank<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
    }

    private static func firstNewline(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        guard let hit = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start) else {
            return nil
        }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        #else
        return bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
        #endif
    }
}
