#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A child process driven through its stdin and stdout, the way a parent drives the service.
///
/// Requests go in through a pipe (bulk sends from a writer thread, so neither side can block the
/// other); answers are read on the calling thread with `read(2)` straight into a buffer, so the
/// clock stops as soon as a line is in, with no thread hop or polling in between. The same code
/// drives the trivial echo child that measures the harness's own ceiling.
final class Child {
    let pid: pid_t
    private let stdinFD: Int32
    private let stdoutFD: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    /// Bytes read but not yet consumed: the start of the next, unfinished line.
    private var pending: [UInt8] = []
    private var writer: DispatchSemaphore?
    private var exitStatus: Int32?
    private var stdinOpen = true

    /// Spawns `binary` with `arguments`; its stderr goes to `stderrPath` (for diagnosis).
    init(binary: String, arguments: [String], stderrPath: String = "/dev/null") throws {
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { throw BenchError("pipe: \(errno)") }
        // Only the dup2'd copies (0 and 1) stay open in the child.
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, binary, &actions, nil, argv, environ)
        close(toChild[0])
        close(fromChild[1])
        guard status == 0 else {
            close(toChild[1]); close(fromChild[0])
            throw BenchError("cannot start \(binary): \(String(cString: strerror(status)))")
        }
        pid = child
        stdinFD = toChild[1]
        stdoutFD = fromChild[0]
    }

    deinit {
        if exitStatus == nil { kill(pid, SIGKILL); _ = finish() }
    }

    // MARK: Sending

    /// Writes `data` on the calling thread (small sends: a few lines that fit the pipe).
    func send(_ data: [UInt8]) {
        data.withUnsafeBytes { Self.writeAll(stdinFD, $0) }
    }

    func send(_ line: String) { send(Array((line + "\n").utf8)) }

    /// Writes `data` from a writer thread while the caller reads answers; `waitForWriter()` joins it.
    func sendInBackground(_ data: [UInt8]) {
        let done = DispatchSemaphore(value: 0)
        writer = done
        let fd = stdinFD
        Thread.detachNewThread {
            data.withUnsafeBytes { Self.writeAll(fd, $0) }
            done.signal()
        }
    }

    func waitForWriter() {
        writer?.wait()
        writer = nil
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }  // the child is gone; the reader reports it
            offset += n
        }
    }

    // MARK: Reading

    /// Reads answer lines until `count` have arrived, calling `each` with every line's bytes and
    /// arrival time. Returns the time the last one arrived (monotonic nanoseconds).
    @discardableResult
    func read(lines count: Int, _ each: (UnsafeRawBufferPointer, UInt64) -> Void = { _, _ in }) throws -> UInt64 {
        var seen = 0
        var last: UInt64 = 0
        // Whole lines left over from an earlier read come first.
        while seen < count, let newline = pending.firstIndex(of: 0x0A) {
            last = Clock.now()
            pending.withUnsafeBytes { each(UnsafeRawBufferPointer(rebasing: $0[..<newline]), last) }
            pending.removeSubrange(...newline)
            seen += 1
        }
        while seen < count {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(stdoutFD, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw BenchError("the child closed its output after \(seen) of \(count) answers") }
            let now = Clock.now()
            buffer.withUnsafeBytes { raw in
                var start = 0
                while seen < count, let newline = memchr(raw.baseAddress! + start, 0x0A, n - start) {
                    let end = raw.baseAddress!.distance(to: UnsafeRawPointer(newline))
                    if pending.isEmpty {
                        each(UnsafeRawBufferPointer(rebasing: raw[start..<end]), now)
                    } else {
                        pending.append(contentsOf: raw[start..<end])
                        pending.withUnsafeBytes { each($0, now) }
                        pending.removeAll(keepingCapacity: true)
                    }
                    seen += 1
                    last = now
                    start = end + 1
                }
                if start < n { pending.append(contentsOf: raw[start..<n]) }
            }
        }
        return last
    }

    /// Reads one answer line and returns it with its arrival time.
    func readLine() throws -> (line: [UInt8], arrival: UInt64) {
        var line: [UInt8] = []
        let arrival = try read(lines: 1) { bytes, _ in line = Array(bytes) }
        return (line, arrival)
    }

    /// Sends one request and waits for its answer: the answer and the round trip in nanoseconds.
    func call(_ request: String) throws -> (answer: [UInt8], nanoseconds: UInt64) {
        let bytes = Array((request + "\n").utf8)
        let start = Clock.now()
        send(bytes)
        let (answer, arrival) = try readLine()
        return (answer, arrival - start)
    }

    // MARK: CPU and exit

    /// CPU seconds (user + system, all threads) the child has used so far, from /proc/PID/stat.
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm)": field 3 is state; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Closes the child's stdin (after any background send): EOF.
    func finishWriting() {
        waitForWriter()
        if stdinOpen { close(stdinFD) }
        stdinOpen = false
    }

    /// Closes stdin (EOF: the service finishes and exits) and waits for the exit status.
    @discardableResult
    func finish() -> Int32 {
        if let exitStatus { return exitStatus }
        finishWriting()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        close(stdoutFD)
        exitStatus = status
        return status
    }
}

enum Clock {
    /// Monotonic nanoseconds.
    static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
