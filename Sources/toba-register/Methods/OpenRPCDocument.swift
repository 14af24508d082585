import TobaRPC

/// The OpenRPC document answered by rpc.discover: protocol/openrpc.json, embedded at build time
/// (the EmbedText plugin).
enum OpenRPCDocument {
    static let value: JSONValue = {
        do {
            return try JSONParser.parse(Array(EmbeddedText.openrpc_json.utf8))
        } catch {
            // A test parses the same text; a broken document never ships.
            fatalError("protocol/openrpc.json is not valid JSON: \(error)")
        }
    }()
}
