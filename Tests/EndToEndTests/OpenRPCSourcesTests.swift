import Foundation
import Testing
import TobaRPC

/// `protocol/openrpc.json` is built from `protocol/openrpc.base.json` and `protocol/methods/*.json`
/// by `scripts/build-openrpc.py`; this rebuilds it the same way, without Python, so an edit to
/// a method file that was not followed by the script fails here.
@Suite struct OpenRPCSourcesTests {
    static var protocolFolder: URL { Sidecar.packageRoot.appendingPathComponent("protocol") }

    static func parse(_ url: URL) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: url)))
    }

    /// What the script writes: the base document with `methods` set to every method object of
    /// the method files (read in file-name order), sorted by name.
    static func rebuilt() throws -> JSONValue {
        guard case .object(var document) = try parse(protocolFolder.appendingPathComponent("openrpc.base.json")) else {
            throw Unreadable(file: "openrpc.base.json")
        }
        let folder = protocolFolder.appendingPathComponent("methods")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent.utf8.lexicographicallyPrecedes($1.lastPathComponent.utf8) }
        var methods: [(name: String, method: JSONValue)] = []
        for file in files {
            guard case .array(let items) = try parse(file) else { throw Unreadable(file: file.lastPathComponent) }
            for method in items {
                guard let name = method["name"]?.stringValue else { throw Unreadable(file: file.lastPathComponent) }
                methods.append((name, method))
            }
        }
        // Python's sort is stable and compares code points; UTF-8 order is the same.
        let sorted = methods.enumerated().sorted { a, b in
            a.element.name == b.element.name ? a.offset < b.offset
                : a.element.name.utf8.lexicographicallyPrecedes(b.element.name.utf8)
        }
        document["methods"] = .array(sorted.map(\.element.method))
        return .object(document)
    }

    struct Unreadable: Error, CustomStringConvertible {
        let file: String
        var description: String { "protocol/\(file) is not what scripts/build-openrpc.py reads" }
    }

    @Test func theDocumentIsBuiltFromTheMethodFiles() throws {
        let committed = try Self.parse(Self.protocolFolder.appendingPathComponent("openrpc.json"))
        let rebuilt = try Self.rebuilt()
        let committedMethods = committed["methods"]?.arrayValue ?? []
        let rebuiltMethods = rebuilt["methods"]?.arrayValue ?? []
        let names = { (methods: [JSONValue]) in methods.compactMap { $0["name"]?.stringValue } }
        #expect(names(committedMethods) == names(rebuiltMethods), "run python3 scripts/build-openrpc.py")
        for (old, new) in zip(committedMethods, rebuiltMethods) where old != new {
            Issue.record("\(new["name"]?.stringValue ?? "?") differs from its method file: run python3 scripts/build-openrpc.py")
        }
        let keys = committed.objectValue?.keys ?? []
        #expect(keys == rebuilt.objectValue?.keys, "the members of protocol/openrpc.json are not those of openrpc.base.json")
        for key in keys where key != "methods" && committed[key] != rebuilt[key] {
            Issue.record("`\(key)` differs from protocol/openrpc.base.json: run python3 scripts/build-openrpc.py")
        }
    }

    @Test func noMethodIsDescribedTwice() throws {
        let names = try Self.rebuilt()["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(!names.isEmpty)
        #expect(Set(names).count == names.count)
    }
}
