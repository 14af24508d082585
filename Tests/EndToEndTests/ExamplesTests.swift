import Foundation
import Testing
import TobaRPC

/// The request files in examples/ run as they are and do what their comments promise.
@Suite struct ExamplesTests {
    static func run(_ file: String, arguments: [String] = ["--db", ":memory:", "--allow-test-clock"]) throws -> [String: JSONValue] {
        let path = Sidecar.packageRoot.appendingPathComponent("examples/\(file)")
        let text = try String(contentsOf: path, encoding: .utf8)
        let sidecar = try Sidecar(arguments: arguments)
        sidecar.write(Data(text.utf8))
        #expect(try sidecar.finish() == 0)
        var byID: [String: JSONValue] = [:]
        for line in sidecar.lines {
            let value = try JSONParser.parse(Array(line.utf8))
            if let id = value["id"]?.stringValue { byID[id] = value }
        }
        // Lines without an id are notifications (the header "comment" is one): never answered.
        let requests = text.split(separator: "\n").filter { $0.contains(#""id":"#) }
        #expect(byID.count == requests.count, "every request of \(file) is answered once")
        #expect(!sidecar.lines.contains { $0.contains("-32603") }, "no internal error in \(file)")
        return byID
    }

    static func code(_ answer: JSONValue?) -> Int64? { answer?["error"]?["code"]?.int64Value }
    static func reason(_ answer: JSONValue?) -> String? { answer?["error"]?["data"]?["reason"]?.stringValue }

    @Test func accountsExampleShowsTheRulesItClaims() throws {
        let answers = try Self.run("accounts.jsonl")
        #expect(answers["register"]?["result"]?["user"]?["email"] == "siti@example.com")
        #expect(Self.reason(answers["register-again"]) == "email_taken")
        #expect(Self.reason(answers["too-common"]) == "password_too_common")
        #expect(Self.reason(answers["too-similar"]) == "password_too_similar")
        #expect(Self.reason(answers["numeric"]) == "password_entirely_numeric")
        #expect(Self.code(answers["resend-too-soon"]) == 1005)
        #expect(answers["resend"]?["result"]?["confirmation"]?["email"] == "siti@example.com")
        #expect(answers["resend-unknown"]?["result"]?["confirmation"] == .null)
        #expect(Self.code(answers["confirm-unknown"]) == 1003)
        #expect(Self.reason(answers["bad-5"]) == "invalid_credentials")
        #expect(Self.code(answers["rate-limited"]) == 1005)
        #expect(answers["rate-limited"]?["error"]?["data"]?["retryAfterSeconds"]?.int64Value == 300)
        #expect(answers["login"]?["result"]?["token"]?.stringValue?.split(separator: ".").count == 3)
        #expect(Self.reason(answers["verify-garbage"]) == "invalid_token")
        #expect(answers["reset-request"]?["result"]?["uid"] == "MQ")
        #expect(Self.reason(answers["reset-forged"]) == "invalid_token")
        #expect(answers["websession-load"]?["result"]?["data"]?["cart"]?[2] == 3)
        #expect(answers["websession-expired"]?["result"] == .null)
        #expect(answers["websession-clear"]?["result"]?["deleted"] == 1)
        #expect(Self.reason(answers["missing-token"]) == "invalid_token")
        #expect(answers["health"]?["result"]?["status"] == "ok")
    }
}

/// The small clients in examples/clients talk to the real binary.
@Suite struct ClientExampleTests {
    static func run(_ executable: String, _ script: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable, Sidecar.packageRoot.appendingPathComponent("examples/clients/\(script)").path,
                             Sidecar.binary.path, "--db", ":memory:"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static var hasNode: Bool {
        ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/node")
        } ?? false
    }

    @Test func pythonClientGetsHealth() throws {
        let (status, output) = try Self.run("python3", "python_client.py")
        #expect(status == 0)
        #expect(output.contains(#""status": "ok""#))
    }

    @Test(.enabled(if: hasNode, "node is not installed")) func nodeClientGetsHealth() throws {
        let (status, output) = try Self.run("node", "node_client.mjs")
        #expect(status == 0)
        #expect(output.contains(#""status": "ok""#))
    }
}
