import Foundation
import Testing
import TobaRPC

/// `protocol/openrpc.json` is what `rpc.discover` answers, documents exactly the methods the
/// service answers, and is a valid OpenRPC document.
@Suite struct OpenRPCTests {
    static var documentURL: URL { Sidecar.packageRoot.appendingPathComponent("protocol/openrpc.json") }

    static func document() throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: documentURL)))
    }

    static func documentedNames() throws -> [String] {
        try #require(try document()["methods"]?.arrayValue).compactMap { $0["name"]?.stringValue }
    }

    /// Every method name registered by a literal in `Sources/toba-register/Methods/*.swift`:
    /// `Method("x"`, `Bind.open("x"`, `Bind.authed("x"`, `Bind.authedPrepared("x"`, `Bind.admin("x"`,
    /// and local helpers of the same shape (`publicList("product.list"`): any call whose first
    /// argument is a dotted lower-case name literal.
    static func registeredNames() throws -> Set<String> {
        let folder = Sidecar.packageRoot.appendingPathComponent("Sources/toba-register/Methods")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }
        let pattern = try Regex(#"\b[A-Za-z][A-Za-z0-9_.]*\(\s*"([a-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+)""#)
        var names = Set<String>()
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: pattern) {
                if let name = match.output[1].substring { names.insert(String(name)) }
            }
        }
        return names
    }

    /// The OpenRPC meta-schema, kept as a fixture (origin in `Tests/Fixtures/README.md`).
    static var metaSchemaURL: URL { Sidecar.packageRoot.appendingPathComponent("Tests/Fixtures/openrpc-meta-schema.json") }

    @Test func rpcDiscoverAnswersTheProtocolDocument() throws {
        let sidecar = try Sidecar()
        let discovered = try sidecar.result("rpc.discover")
        #expect(discovered.canonical == (try Self.document()).canonical,
                "rpc.discover must answer protocol/openrpc.json, embedded at build time")
        #expect(try sidecar.finish() == 0)
    }

    @Test func theDocumentNamesEachMethodOnce() throws {
        let names = try Self.documentedNames()
        #expect(!names.isEmpty)
        #expect(Set(names).count == names.count, "documented twice: \(Dictionary(grouping: names, by: { $0 }).filter { $1.count > 1 }.keys.sorted())")
    }

    /// Every documented method exists: called without params it is never "Method not found".
    @Test func everyDocumentedMethodIsAnswered() throws {
        let sidecar = try Sidecar()
        let names = try Self.documentedNames().filter { $0 != "system.shutdown" }
        var script = ""
        for (index, name) in names.enumerated() {
            script += Sidecar.requestLine(name, nil, id: .string("probe-\(index)")) + "\n"
        }
        sidecar.write(Data(script.utf8))
        var missing: [String] = []
        for (index, name) in names.enumerated() {
            let response = try sidecar.response(id: .string("probe-\(index)"))
            if response.errorCode == -32601 { missing.append(name) }
        }
        #expect(missing.isEmpty, "documented but not answered: \(missing)")
        if try Self.documentedNames().contains("system.shutdown") {
            #expect(try sidecar.result("system.shutdown") == ["ok": true])
            #expect(try sidecar.waitForExit() == 0)
        } else {
            #expect(try sidecar.finish() == 0)
        }
    }

    /// Every method the source registers is documented, and nothing else is.
    @Test func everyRegisteredMethodIsDocumented() throws {
        let registered = try Self.registeredNames()
        let documented = Set(try Self.documentedNames())
        #expect(registered.count >= 10, "the name pattern still finds the registrations")
        #expect(registered.subtracting(documented).isEmpty, "registered but undocumented: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "documented but not registered: \(documented.subtracting(registered).sorted())")
    }

    /// An unknown name really is -32601, so the probe above can fail.
    @Test func theProbeTellsAMissingMethod() throws {
        let sidecar = try Sidecar()
        #expect(try sidecar.error("no.such.method")["code"] == -32601)
        #expect(try sidecar.finish() == 0)
    }

    /// The meta-schema fixture, with its `openrpc` enum (an unreleased placeholder) opened to the
    /// version the document declares.
    static func metaSchema(for document: JSONValue) throws -> JSONValue {
        guard case .object(var meta) = try JSONParser.parse(Array(try Data(contentsOf: metaSchemaURL))),
              case .object(var properties)? = meta["properties"], case .object(var openrpc)? = properties["openrpc"]
        else { throw MetaSchemaUnreadable() }
        openrpc["enum"] = .array([document["openrpc"] ?? .null])
        properties["openrpc"] = .object(openrpc)
        meta["properties"] = .object(properties)
        return .object(meta)
    }

    struct MetaSchemaUnreadable: Error {}

    static func metaSchemaViolations(of document: JSONValue) throws -> [String] {
        let meta = try metaSchema(for: document)
        let jsonSchema = meta["definitions"]?["JSONSchema"]?["$ref"]?.stringValue ?? "-"
        // A reference object's `$ref` is a URI reference (draft-07's own definition, not fetched).
        let referenceRef = meta["definitions"]?["referenceObject"]?["properties"]?["$ref"]?["$ref"]?.stringValue ?? "-"
        let validator = SchemaValidator(root: meta, external: [
            jsonSchema: SchemaValidator.lightSchemaCheck,
            referenceRef: { value, path in value.stringValue == nil ? ["\(path): a $ref must be a string"] : [] },
        ])
        return validator.violations(document, meta)
    }

    /// Checked in Swift (no Python needed): the structure of every object of the document; the
    /// JSON Schemas inside it get a lighter check (see `SchemaValidator.lightSchemaCheck`).
    @Test func theDocumentIsValidAgainstTheOpenRPCMetaSchema() throws {
        let violations = try Self.metaSchemaViolations(of: try Self.document())
        #expect(violations.isEmpty, "\(violations.prefix(20).joined(separator: "\n"))")
    }

    /// The check above can fail: a method with an empty name, a member OpenRPC does not define, a
    /// missing `info` and a schema of an unknown type are each reported.
    @Test func theMetaSchemaCheckFindsBrokenDocuments() throws {
        guard case .object(var document) = try Self.document(), case .array(var methods)? = document["methods"],
              case .object(var first)? = methods.first
        else { Issue.record("the document has no methods"); return }
        first["name"] = ""
        methods[0] = .object(first)
        document["methods"] = .array(methods)
        document["servers2"] = .array([])
        document["info"] = JSONValue?.none
        let violations = try Self.metaSchemaViolations(of: .object(document))
        #expect(violations.contains { $0.contains("missing info") }, "\(violations)")
        #expect(violations.contains { $0.hasPrefix("/methods/0") }, "\(violations)")
        #expect(violations.contains { $0.hasPrefix("/servers2") }, "\(violations)")
        #expect(!SchemaValidator.lightSchemaCheck(["type": "text"], "").isEmpty)
    }

    static var hasPythonJSONSchema: Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import jsonschema, referencing"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// A second opinion where Python's `jsonschema` is installed (CI installs it): the official
    /// meta-schema, with its version enum opened to the document's version and its JSON Schema
    /// references pointed at draft-07 (bundled with `jsonschema`), so nothing is fetched.
    @Test(.enabled(if: hasPythonJSONSchema, "python3 with jsonschema is not installed: the second opinion was not asked"))
    func pythonJSONSchemaAgreesTheDocumentIsValid() throws {
        let directory = try Sidecar.makeDirectory()
        let script = directory.appendingPathComponent("validate.py")
        try Self.validator.write(to: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, Self.metaSchemaURL.path, Self.documentURL.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
    }

    static let validator = #"""
        import json, sys
        from jsonschema import Draft7Validator
        from referencing import Registry

        meta_path, doc_path = sys.argv[1], sys.argv[2]
        with open(meta_path) as f:
            meta = json.load(f)
        with open(doc_path) as f:
            doc = json.load(f)
        DRAFT7 = "http://json-schema.org/draft-07/schema#"
        meta["$schema"] = DRAFT7
        meta.pop("$id", None)
        meta["properties"]["openrpc"]["enum"] = [doc.get("openrpc")]
        meta["definitions"]["JSONSchema"] = {"$ref": DRAFT7}
        meta["definitions"]["referenceObject"]["properties"]["$ref"] = {"type": "string", "format": "uri-reference"}

        def remote(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "$ref" and isinstance(value, str) and not value.startswith("#") and value != DRAFT7:
                        yield value
                    yield from remote(value)
            elif isinstance(node, list):
                for value in node:
                    yield from remote(value)

        left = list(remote(meta))
        if left:
            sys.exit("remote references left in the meta-schema: %s" % left)

        def refuse(uri):
            raise LookupError("would fetch " + uri)

        validator = Draft7Validator(meta, registry=Registry(retrieve=refuse))
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
        for error in errors[:50]:
            print("/".join(map(str, error.absolute_path)) or "(root)", ":", error.message[:300])
        sys.exit(1 if errors else 0)
        """#
}
