import Foundation
import Testing
import TobaStore

/// UUIDText is byte-level (no Foundation on the hot path); Foundation's UUID is the reference.
@Suite struct UUIDTextTests {
    @Test func aRandomUUIDIsAVersionFourUUIDThatFoundationReadsBack() {
        for _ in 0..<200 {
            let text = UUIDText.random()
            let uuid = try? #require(UUID(uuidString: text))
            #expect(uuid?.uuidString.lowercased() == text)
            let bytes = Array(text.utf8)
            #expect(bytes[14] == UInt8(ascii: "4"))
            #expect("89ab".utf8.contains(bytes[19]))
        }
        #expect(Set((0..<100).map { _ in UUIDText.random() }).count == 100)
    }

    @Test func storageAndDashedFormsAgreeWithFoundation() {
        for _ in 0..<200 {
            let uuid = UUID()
            let dashed = uuid.uuidString.lowercased()
            let hex = dashed.replacingOccurrences(of: "-", with: "")
            #expect(UUIDText.storage(uuid.uuidString) == hex)
            #expect(UUIDText.dashed(hex.uppercased()) == dashed)
        }
    }

    @Test(arguments: ["", "x", "0f8fad5b-d9cb-469f-a165-70867728950", "0f8fad5bd9cb469fa16570867728950g",
                      "0f8fad5b_d9cb_469f_a165_70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e0", "é0f8fad5bd9cb469fa16570867728950"])
    func whatIsNoUUIDIsRefused(_ text: String) {
        #expect(UUIDText.storage(text) == nil)
        #expect(UUIDText.dashed(text) == nil)
    }
}
