import Foundation

/// The service under test as a child process: all requests are written by one thread while
/// another reads answers and stamps the arrival time of each id.
final class Child: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    private let lock = NSLock()
    private var arrivals: [String: UInt64] = [:]
    private var answers: [String: Data] = [:]
    /// Keep whole answer lines (off for throughput runs).
    var keepAnswers = false
    private var lineCount = 0
    private let done = DispatchSemaphore(value: 0)
    private var expected = Int.max

    init(binary: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        Thread.detachNewThread { [self] in
            var buffer = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                var start = buffer.startIndex
                while let nl = buffer[start...].firstIndex(of: 0x0A) {
                    let line = buffer[start..<nl]
                    start = buffer.index(after: nl)
                    record(line)
                }
                buffer.removeSubrange(buffer.startIndex..<start)
            }
            done.signal()
        }
    }

    private func record(_ line: Data) {
        let now = DispatchTime.now().uptimeNanoseconds
        // Ids are written last by the service: `…,"id":"x"}`.
        var id = ""
        if let range = line.range(of: Data("\"id\":".utf8), options: .backwards) {
            id = String(decoding: line[range.upperBound..<line.index(before: line.endIndex)], as: UTF8.self)
        }
        lock.lock()
        arrivals[id] = now
        if keepAnswers { answers[id] = Data(line) }
        lineCount += 1
        let finished = lineCount == expected
        lock.unlock()
        if finished { done.signal() }
    }

    func expect(_ count: Int) {
        lock.lock(); expected = count; lock.unlock()
    }

    func send(_ lines: [String]) {
        var data = Data()
        for line in lines { data.append(Data((line + "\n").utf8)) }
        input.fileHandleForWriting.write(data)
    }

    func waitForAll() { done.wait() }

    func arrival(of id: String) -> UInt64? {
        lock.lock(); defer { lock.unlock() }
        return arrivals["\"\(id)\""]
    }

    /// The answer to `id` as a JSON object (needs `keepAnswers`).
    func answer(_ id: String) -> [String: Any] {
        _ = waitFor(id: id)
        lock.lock(); defer { lock.unlock() }
        let data = answers["\"\(id)\""] ?? Data()
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    func waitFor(id: String) -> UInt64 {
        while true {
            if let t = arrival(of: id) { return t }
            usleep(200)
        }
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
