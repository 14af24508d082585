import Foundation
import Testing
import TobaRPC

/// PROTOCOL.md §6: values a client sends never reach a log line unescaped. A newline in a method
/// name, an email, a user agent or an address must not start a line of its own on stderr.
@Suite struct LogInjectionTests {
    /// A whole log line as an attacker would like it to appear.
    static let forged = "2026-01-01T00:00:00+0000 error toba-register: [TobaRPC] FORGED superuser created"

    /// `<time> <level> <label>:` as every line of ours starts.
    static let lineStart = try! NSRegularExpression(
        pattern: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} (trace|debug|info|notice|warning|error|critical) toba-register:"#)

    @Test func aNewlineInAClientValueCannotForgeALogLine() throws {
        // Given a service logging everything
        let sidecar = try Sidecar(arguments: ["--db", ":memory:", "--log-level", "trace"])
        let evil = "x\n" + Self.forged + "\r\n" + Self.forged + "\u{2028}\u{85}\t\"=\\"
        // When clients send that value as a method name, an id, an email, a user agent and an address
        _ = try sidecar.call("system.health\n" + Self.forged)
        sidecar.send(Sidecar.requestLine("system.health", nil, id: .string(evil)))
        _ = try sidecar.response(id: .string(evil))
        _ = try sidecar.call("user.register", ["email": .string("new@example.com"), "password": "a long passphrase",
                                               "ipAddress": .string("203.0.113.9" + evil)])
        _ = try sidecar.call("auth.login", ["email": .string("new@example.com" + evil), "password": "wrong passphrase",
                                            "userAgent": .string(evil), "ipAddress": "203.0.113.9"])
        _ = try sidecar.call("auth.login", ["email": "new@example.com", "password": "a long passphrase",
                                            "userAgent": .string(evil)])
        #expect(try sidecar.finish() == 0)
        // Then every stderr line is one of ours, and the forged text only ever appears inside one
        let lines = sidecar.stderrText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(sidecar.stderrText.contains("FORGED"), "the client's values reached the log (escaped)")
        for line in lines {
            let text = String(line)
            let matched = Self.lineStart.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            #expect(matched, "a stderr line that is not a log line of ours: \(text)")
            #expect(!text.hasPrefix(Self.forged), "a forged line: \(text)")
            #expect(!text.contains("\r") && !text.contains("\u{2028}") && !text.contains("\u{85}"), "an unescaped separator: \(text)")
        }
    }
}
