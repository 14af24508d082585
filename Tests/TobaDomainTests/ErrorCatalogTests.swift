import Foundation
import Testing
import TobaRPC
import TobaDomain

/// protocol/errors.md lists exactly the reasons the service can answer: the JSON-RPC table is
/// `RPCError.Reason`, the application table `DomainError.Reason`, each row under its kind's code.
@Suite struct ErrorCatalogTests {
    struct Row {
        let code: Int
        let reason: String
    }

    /// The rows of the table under `heading`: the code and the first `reason` in backquotes.
    static func rows(under heading: String) throws -> [Row] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("protocol/errors.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: Substring(heading)), "protocol/errors.md has no \(heading)")
        var rows: [Row] = []
        for line in lines[(start + 1)...] {
            if line.hasPrefix("## ") { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 3, let code = Int(cells[1]) else { continue }
            let reason = try #require(cells[3].firstMatch(of: /`([a-z0-9_]+)`/)?.output.1, "no reason in: \(line)")
            rows.append(Row(code: code, reason: String(reason)))
        }
        return rows
    }

    /// Both directions: every case is documented, every documented reason is a case.
    static func expectSame(_ rows: [Row], as cases: [String], of type: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let documented = Set(rows.map(\.reason))
        let cases = Set(cases)
        #expect(cases.subtracting(documented).isEmpty, "not in protocol/errors.md: \(cases.subtracting(documented).sorted())",
                sourceLocation: sourceLocation)
        #expect(documented.subtracting(cases).isEmpty, "documented but no \(type): \(documented.subtracting(cases).sorted())",
                sourceLocation: sourceLocation)
    }

    @Test func theJSONRPCTableListsEveryProtocolReason() throws {
        let rows = try Self.rows(under: "## JSON-RPC errors")
        Self.expectSame(rows, as: RPCError.Reason.allCases.map(\.rawValue), of: "RPCError.Reason")
        #expect(rows.allSatisfy { (-32700 ... -32600).contains($0.code) })
    }

    @Test func theApplicationTableListsEveryDomainReasonUnderItsCode() throws {
        let rows = try Self.rows(under: "## Application errors")
        Self.expectSame(rows, as: DomainError.Reason.allCases.map(\.rawValue), of: "DomainError.Reason")
        // PROTOCOL.md §7, as the dispatcher's ErrorMapping answers each kind.
        let codes: [DomainError.Kind: Int] = [
            .validation: 1000, .unauthenticated: 1001, .forbidden: 1002, .notFound: 1003, .conflict: 1004,
            .rateLimited: 1005, .expired: 1006, .unavailable: 1007, .storage: 1008,
        ]
        for row in rows {
            guard let reason = DomainError.Reason(rawValue: row.reason) else { continue }
            #expect(codes[reason.kind] == row.code, "\(row.reason) is documented under \(row.code), but is \(reason.kind)")
        }
    }
}
