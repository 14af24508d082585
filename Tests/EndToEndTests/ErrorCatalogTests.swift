import Foundation
import Testing

/// protocol/errors.md lists every `data.reason` the sources can produce.
@Suite struct ErrorCatalogTests {
    static func sources() throws -> String {
        let root = Sidecar.packageRoot.appendingPathComponent("Sources")
        var text = ""
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        for case let file as URL in files where file.pathExtension == "swift" {
            text += try String(contentsOf: file, encoding: .utf8)
        }
        return text
    }

    static func reasons(in text: String) throws -> Set<String> {
        let patterns = [
            #"DomainError\(\.[a-zA-Z]+, "([a-z_]+)""#,
            #"\.(?:validation|conflict|expired)\("([a-z_]+)""#,
            #"(?:invalidRequest|parseError)\("([a-z_]+)""#,
        ]
        var found = Set<String>()
        for pattern in patterns {
            let regex = try NSRegularExpression(pattern: pattern)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                found.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        return found
    }

    @Test func everyReasonInTheSourcesIsDocumented() throws {
        let catalog = try String(contentsOf: Sidecar.packageRoot.appendingPathComponent("protocol/errors.md"), encoding: .utf8)
        let reasons = try Self.reasons(in: try Self.sources())
        #expect(reasons.count > 40, "the scan finds the reasons it should")
        for reason in reasons.sorted() {
            #expect(catalog.contains("`\(reason)`"), "protocol/errors.md does not list \(reason)")
        }
    }
}
