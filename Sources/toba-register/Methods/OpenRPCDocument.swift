import TobaRPC

/// The OpenRPC document answered by rpc.discover: protocol/openrpc.json, embedded at build time.
enum OpenRPCDocument {
    static let value: JSONValue = {
        do {
            return try JSONParser.parse(PackageResources.openrpc_json)
        } catch {
            // A test parses the same text; a broken document never ships.
            fatalError("protocol/openrpc.json is not valid JSON: \(error)")
        }
    }()
}
