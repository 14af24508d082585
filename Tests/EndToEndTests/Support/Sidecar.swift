import Foundation
import Synchronization
import TobaRPC

/// The built `toba-register` binary running as a child process, driven through its pipes the way
/// a parent does. Responses are matched by id; everything on stderr is kept for inspection.
final class Sidecar: @unchecked Sendable {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The debug build, or the binary `TOBA_TEST_BINARY` names (e.g. `.build/release/toba-register`,
    /// to run the attack tests against the release build).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["TOBA_TEST_BINARY"], !path.isEmpty {
            return path.hasPrefix("/") ? URL(fileURLWithPath: path) : packageRoot.appendingPathComponent(path)
        }
        return packageRoot.appendingPathComponent(".build/debug/toba-register")
    }

    /// Settings for fast tests: 1,000 PBKDF2 iterations.
    static let fastConfig = #"{"passwords": {"iterations": 1000}}"#

    let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let state = Mutex<(lines: [String], byID: [String: JSONValue], stderr: Data, stdoutClosed: Bool)>(([], [:], Data(), false))
    private let condition = NSCondition()
    private var nextID = 0
    let directory: URL
    /// What `--db` named once adapted to the test backend (a file, `:memory:` or a PostgreSQL URL):
    /// give it to a second sidecar that must share the database.
    let databaseLocation: String?

    /// - Parameters:
    ///   - arguments: command-line arguments after the binary (default: a private in-memory database with the test clock).
    ///   - config: settings JSON written to a file and passed with `--config` (nil: none).
    init(arguments: [String] = ["--db", ":memory:", "--allow-test-clock"], config: String? = Sidecar.fastConfig,
         environment: [String: String] = [:], directory: URL? = nil) throws {
        self.directory = try directory ?? Sidecar.makeDirectory()
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        var args = try TestBackend.adapt(arguments, directory: self.directory)
        databaseLocation = args.firstIndex(of: "--db").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
        if let config {
            let file = self.directory.appendingPathComponent("config.json")
            try config.write(to: file, atomically: true, encoding: .utf8)
            args += ["--config", file.path]
        }
        process.executableURL = Self.binary
        process.arguments = args
        process.currentDirectoryURL = self.directory
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TOBA_") }
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        // A child that exits while we still write must not kill the test process with SIGPIPE.
        ignoreSIGPIPE()
        try process.run()
        startReading()
    }

    private func startReading() {
        let out = stdoutPipe.fileHandleForReading
        let err = stderrPipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            var buffer = Data()
            while true {
                let chunk = out.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let nl = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...nl)
                    record(line)
                }
            }
            if !buffer.isEmpty { record(String(decoding: buffer, as: UTF8.self)) }
            state.withLock { $0.stdoutClosed = true }
            condition.lock(); condition.broadcast(); condition.unlock()
        }
        Thread.detachNewThread { [self] in
            while true {
                let chunk = err.availableData
                if chunk.isEmpty { break }
                state.withLock { $0.stderr.append(chunk) }
            }
        }
    }

    private func record(_ line: String) {
        let parsed = try? JSONParser.parse(Array(line.utf8))
        state.withLock { state in
            state.lines.append(line)
            if case .object(let o)? = parsed, let id = o["id"] { state.byID[JSONWriter.string(id)] = parsed }
        }
        condition.lock(); condition.broadcast(); condition.unlock()
    }

    /// Writes raw bytes to the child's stdin. Returns false once the child closed its end
    /// (it exited), instead of trapping as `FileHandle.write` does on EPIPE.
    @discardableResult
    func write(_ data: Data) -> Bool {
        let fd = stdinPipe.fileHandleForWriting.fileDescriptor
        return data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = posixWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }

    /// Writes one line (a newline is added).
    func send(_ line: String) {
        write(Data((line + "\n").utf8))
    }

    func closeInput() {
        try? stdinPipe.fileHandleForWriting.close()
    }

    /// A fresh id (`"call-N"`, so it never collides with the numeric ids tests send by hand).
    func makeID() -> JSONValue {
        condition.lock(); defer { condition.unlock() }
        nextID += 1
        return .string("call-\(nextID)")
    }

    /// The request line for `method` with `params` and `id`.
    static func requestLine(_ method: String, _ params: JSONValue?, id: JSONValue) -> String {
        var object: JSONObject = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { object["params"] = params }
        object["id"] = id
        return JSONWriter.string(.object(object))
    }

    /// Sends a request and waits for its response object.
    @discardableResult
    func call(_ method: String, _ params: JSONValue? = nil, timeout: TimeInterval = 30) throws -> JSONValue {
        let id = makeID()
        send(Self.requestLine(method, params, id: id))
        return try response(id: id, timeout: timeout)
    }

    /// The `result` of a successful call; throws `CallFailed` with the error object otherwise.
    func result(_ method: String, _ params: JSONValue? = nil, timeout: TimeInterval = 30) throws -> JSONValue {
        let response = try call(method, params, timeout: timeout)
        guard let result = response.objectValue?["result"] else { throw CallFailed(response: response) }
        return result
    }

    /// The error object of a failing call.
    func error(_ method: String, _ params: JSONValue? = nil, timeout: TimeInterval = 30) throws -> JSONObject {
        let response = try call(method, params, timeout: timeout)
        guard let error = response.objectValue?["error"]?.objectValue else { throw CallFailed(response: response) }
        return error
    }

    func response(id: JSONValue, timeout: TimeInterval = 30) throws -> JSONValue {
        let key = JSONWriter.string(id)
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock(); defer { condition.unlock() }
        while true {
            if let found = state.withLock({ $0.byID[key] }) { return found }
            guard condition.wait(until: deadline) else { throw TimedOut(what: "response to id \(key)", stderr: stderrText) }
        }
    }

    /// Waits until at least `count` lines arrived on stdout; returns all lines so far.
    func waitForLines(_ count: Int, timeout: TimeInterval = 30) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock(); defer { condition.unlock() }
        while true {
            let lines = state.withLock { $0.lines }
            if lines.count >= count { return lines }
            guard condition.wait(until: deadline) else { throw TimedOut(what: "\(count) lines (have \(lines.count))", stderr: stderrText) }
        }
    }

    var lines: [String] { state.withLock { $0.lines } }

    var stderrText: String { String(decoding: state.withLock { $0.stderr }, as: UTF8.self) }

    /// Closes stdin and waits for the exit status.
    @discardableResult
    func finish(timeout: TimeInterval = 30) throws -> Int32 {
        closeInput()
        return try waitForExit(timeout: timeout)
    }

    func waitForExit(timeout: TimeInterval = 30) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else {
                process.terminate()
                throw TimedOut(what: "exit", stderr: stderrText)
            }
            usleep(10_000)
        }
        // Let the stdout reader drain what the process wrote last (it sees EOF once every holder
        // of the pipe's write end, i.e. the process, is gone).
        while !state.withLock({ $0.stdoutClosed }), Date() < deadline.addingTimeInterval(5) {
            usleep(5_000)
        }
        usleep(20_000)
        return process.terminationStatus
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    struct CallFailed: Error, CustomStringConvertible {
        let response: JSONValue
        var description: String { "call failed: \(JSONWriter.string(response))" }
    }

    struct TimedOut: Error, CustomStringConvertible {
        let what: String
        let stderr: String
        var description: String { "timed out waiting for \(what); stderr:\n\(stderr)" }
    }
}

/// The C functions, out of reach of `Sidecar`'s methods of the same names.
private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

private func ignoreSIGPIPE() {
    signal(SIGPIPE, SIG_IGN)
}

extension JSONValue {
    /// `value["a"]["b"]` style access for tests.
    subscript(key: String) -> JSONValue? { objectValue?[key] }
    subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
