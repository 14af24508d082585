import Crypto

/// SHA-512 as hex, as Midtrans writes `signature_key`: the tests sign notifications the way the
/// gateway does (swift-crypto; its standard vectors are checked in `CommerceShopSupportTests`).
enum CommerceSHA512 {
    static func hex(_ text: String) -> String {
        SHA512.hash(data: Array(text.utf8)).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
    }
}
