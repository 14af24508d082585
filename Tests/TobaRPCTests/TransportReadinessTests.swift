#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization
import Testing
@testable import TobaRPC

/// Standard input and output handed over in non-blocking mode: `EAGAIN` means "not now", never
/// the end of input, and never a lost frame.
@Suite struct TransportReadinessTests {
    private static func nonBlockingPipe(readEnd: Bool) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        let target = readEnd ? fds[0] : fds[1]
        precondition(fcntl(target, F_SETFL, fcntl(target, F_GETFL) | O_NONBLOCK) == 0)
        return (fds[0], fds[1])
    }

    @Test(.timeLimit(.minutes(1)))
    func aNonBlockingInputWaitsForDataInsteadOfEnding() async throws {
        let (readFD, writeFD) = Self.nonBlockingPipe(readEnd: true)
        defer { close(readFD) }
        let frames = Mutex<[LineFramer.Frame]>([])
        let ended = Mutex<Int?>(nil)
        StdinReader(fileDescriptor: readFD, maxLineBytes: 1024).start(
            onFrame: { frame in frames.withLock { $0.append(frame) } },
            shouldContinue: { true },
            onEnd: { ended.withLock { state in state = frames.withLock { $0.count } } })
        try await Task.sleep(for: .milliseconds(200))
        #expect(ended.withLock { $0 } == nil, "no data yet is not the end of input")
        for line in ["first\n", "second\n"] {
            _ = line.utf8CString.withUnsafeBufferPointer { write(writeFD, $0.baseAddress, $0.count - 1) }
            try await Task.sleep(for: .milliseconds(100))
        }
        close(writeFD)
        while ended.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(frames.withLock { $0 } == [.line(Array("first".utf8)), .line(Array("second".utf8))])
        #expect(ended.withLock { $0 } == 2, "the end comes after both lines")
    }

    @Test(.timeLimit(.minutes(1)))
    func aNonBlockingOutputDeliversEveryFrameWhole() throws {
        let (readFD, writeFD) = Self.nonBlockingPipe(readEnd: false)
        defer { close(readFD) }
        let writer = StdoutWriter(fileDescriptor: writeFD)
        let frame = [UInt8](repeating: UInt8(ascii: "x"), count: 1000)
        let count = 500  // far beyond a pipe's buffer: the writer meets EAGAIN and must wait
        let done = Mutex(false)
        Thread.detachNewThread {
            for _ in 0..<count { writer.writeFrame(frame) }
            // Marked before closing: the reader sees end of file as soon as the descriptor closes.
            done.withLock { $0 = true }
            close(writeFD)
        }
        usleep(200_000)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(readFD, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        #expect(done.withLock { $0 })
        #expect(writer.framesWritten == count)
        #expect(received == Array(repeating: frame + [UInt8(ascii: "\n")], count: count).flatMap { $0 })
    }
}
