#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The only writer of the protocol's output: each frame is written whole, followed by `\n`,
/// before the next one starts. Once the reader of the pipe is gone (EPIPE), output is dropped.
package final class StdoutWriter: Sendable {
    private let fd: Int32
    private let state = Mutex(State())

    private struct State {
        var broken = false
        var framesWritten = 0
    }

    package init(fileDescriptor: Int32 = 1) {
        self.fd = fileDescriptor
    }

    /// Writes one frame: `bytes` plus a newline. `bytes` must not contain a newline.
    package func writeFrame(_ bytes: [UInt8]) {
        // A large frame (a batch's answer) is not copied to append its newline: two writes under
        // the lock are as whole as one.
        let newline: [UInt8] = [UInt8(ascii: "\n")]
        let small = bytes.count < 65_536
        let frame = small ? bytes + newline : bytes
        state.withLock { state in
            guard !state.broken else { return }
            if Self.writeAll(fd, frame) && (small || Self.writeAll(fd, newline)) {
                state.framesWritten += 1
            } else {
                state.broken = true
            }
        }
    }

    package func write(_ value: JSONValue) {
        writeFrame(JSONWriter.bytes(value))
    }

    package var framesWritten: Int { state.withLock { $0.framesWritten } }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN {
                        Readiness.waitUntilWritable(fd)
                        continue
                    }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}
