#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Blocking reads of standard input on one dedicated thread (no `readabilityHandler`, which
/// misbehaves on Linux). Frames by newline with a size cap and hands each frame to `onFrame` in
/// order; calls `onEnd` once at end of input or on a read error.
package final class StdinReader: Sendable {
    private let fd: Int32
    private let maxLineBytes: Int

    package init(fileDescriptor: Int32 = 0, maxLineBytes: Int) {
        self.fd = fileDescriptor
        self.maxLineBytes = maxLineBytes
    }

    /// Starts the reading thread. `shouldContinue` is checked after every chunk so a shutdown
    /// stops reading at the next chunk boundary.
    package func start(
        onFrame: @escaping @Sendable (LineFramer.Frame) -> Void,
        shouldContinue: @escaping @Sendable () -> Bool,
        onEnd: @escaping @Sendable () -> Void
    ) {
        let fd = self.fd
        let maxLineBytes = self.maxLineBytes
        let thread = Thread {
            var framer = LineFramer(maxLineBytes: maxLineBytes)
            let capacity = 64 * 1024
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
            defer { buffer.deallocate() }
            while shouldContinue() {
                let n = read(fd, buffer.baseAddress!, capacity)
                if n < 0 && errno == EINTR { continue }
                if n < 0 && errno == EAGAIN {
                    Readiness.waitUntilReadable(fd)
                    continue
                }
                if n <= 0 { break }
                for frame in framer.push(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) {
                    guard shouldContinue() else { break }
                    onFrame(frame)
                }
            }
            if shouldContinue() {
                for frame in framer.finish() { onFrame(frame) }
            }
            onEnd()
        }
        thread.name = "toba-stdin"
        thread.start()
    }
}
