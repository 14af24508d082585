import Foundation
import Testing
import TobaRPC

/// Every line logged while a request is handled names it: its id and method.
@Suite struct RequestLogMetadataTests {
    @Test func aDomainsLogLineCarriesTheRequestIdAndMethod() throws {
        // Given a service, when a registration (which logs from the domain) is answered
        let sidecar = try Sidecar()
        sidecar.send(#"{"jsonrpc":"2.0","method":"user.register","params":{"email":"logged@example.com","password":"a long passphrase"},"id":"reg-7"}"#)
        _ = try sidecar.response(id: "reg-7")
        #expect(try sidecar.finish() == 0)
        // Then its log line names the request
        let line = try #require(sidecar.stderrText.split(separator: "\n").first { $0.contains("user registered") })
        #expect(line.contains("method=user.register"))
        // (the id as its JSON text, escaped like every logged value: a string id keeps its quotes)
        #expect(line.contains(#"requestId="\"reg-7\"""#))
        // And lines outside any request do not
        let serving = try #require(sidecar.stderrText.split(separator: "\n").first { $0.contains("serving") })
        #expect(!serving.contains("requestId"))
    }
}
