import Foundation
import Synchronization

/// The built binary driven by a client that may stop reading its stdout (to test back-pressure
/// and memory bounds). Input is fed from a background thread, since the service stops reading
/// when it is full; lines longer than `keepBytes` are kept only as their length, first and last
/// 200 bytes; the peak resident memory is read from /proc.
final class StalledClient: @unchecked Sendable {
    struct Line {
        let length: Int
        /// The whole line, or its first and last 200 bytes joined when longer than `keepBytes`.
        let text: String
    }

    let process = Process()
    private let input = Pipe(), output = Pipe(), errors = Pipe()
    private let state = Mutex<(lines: [Line], stderr: Data, fed: Bool)>(([], Data(), false))
    private let reading = DispatchSemaphore(value: 0)
    private let keepBytes: Int

    init(config: String = Sidecar.fastConfig, keepBytes: Int = 64 * 1024) throws {
        self.keepBytes = keepBytes
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("config.json")
        try config.write(to: file, atomically: true, encoding: .utf8)
        process.executableURL = Sidecar.binary
        process.arguments = ["--db", ":memory:", "--config", file.path]
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TOBA_") }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        let err = errors.fileHandleForReading
        Thread.detachNewThread { [self] in
            while case let chunk = err.availableData, !chunk.isEmpty { state.withLock { $0.stderr.append(chunk) } }
        }
        Thread.detachNewThread { [self] in readLines() }
    }

    /// Writes `data` to the service on a background thread (it blocks while the service is full).
    func feed(_ data: Data) {
        let fd = input.fileHandleForWriting.fileDescriptor
        Thread.detachNewThread { [self] in
            data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR || errno == EAGAIN { continue }
                        break
                    }
                    offset += n
                }
            }
            state.withLock { $0.fed = true }
        }
    }

    var isFed: Bool { state.withLock { $0.fed } }

    /// Starts reading stdout (until then the service's output pipe fills up and stays full).
    func startReading() { reading.signal() }

    private func readLines() {
        reading.wait()
        let fd = output.fileHandleForReading.fileDescriptor
        let size = 1 << 20
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
        defer { chunk.deallocate() }
        var current: [UInt8] = []
        while true {
            let n = read(fd, chunk.baseAddress!, size)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            var start = 0
            // Only the new bytes are searched for newlines (a 16 MiB line arrives in many reads).
            while start < n, let hit = memchr(chunk.baseAddress! + start, 0x0A, n - start) {
                let end = chunk.baseAddress!.distance(to: UnsafeMutableRawPointer(hit))
                current.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
                record(current)
                current.removeAll(keepingCapacity: false)
                start = end + 1
            }
            if start < n { current.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start..<n])) }
        }
    }

    private func record(_ bytes: [UInt8]) {
        let text: String
        if bytes.count > keepBytes {
            text = String(decoding: bytes.prefix(200), as: UTF8.self) + "…" + String(decoding: bytes.suffix(200), as: UTF8.self)
        } else {
            text = String(decoding: bytes, as: UTF8.self)
        }
        state.withLock { $0.lines.append(Line(length: bytes.count, text: text)) }
    }

    /// Waits until `count` lines arrived; returns them.
    func waitForLines(_ count: Int, timeout: TimeInterval) throws -> [Line] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let lines = self.lines
            if lines.count >= count { return lines }
            usleep(20_000)
        }
        throw Sidecar.TimedOut(what: "\(count) lines (have \(lines.count))", stderr: stderrText)
    }

    var lines: [Line] { state.withLock { $0.lines } }

    var stderrText: String { String(decoding: state.withLock { $0.stderr }, as: UTF8.self) }

    /// The peak resident set size so far (`VmHWM` of /proc/PID/status), in MiB.
    func peakResidentMiB() throws -> Double {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true)[1]) else {
            throw Sidecar.TimedOut(what: "VmHWM in /proc/PID/status", stderr: status)
        }
        return kib / 1024
    }

    /// Closes stdin and waits for the exit status.
    func finish(timeout: TimeInterval = 120) throws -> Int32 {
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else {
                process.terminate()
                throw Sidecar.TimedOut(what: "exit", stderr: stderrText)
            }
            usleep(10_000)
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
