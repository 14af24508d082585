import Crypto
package import TobaRPC

/// A Midtrans HTTP notification as the parent received it (§8.7). The signed fields are kept
/// exactly as sent (a string as is, a number in its JSON spelling).
package struct MidtransNotification: Sendable {
    package let body: JSONObject
    package let orderId: String
    package let statusCode: String
    package let grossAmount: String
    package let signatureKey: String
    package let transactionStatus: String
    package let fraudStatus: String?

    /// A required field is missing or neither a string nor a number.
    package struct Invalid: Error, Sendable {
        package enum Problem: Sendable { case missing, notTextOrNumber }

        package let problem: Problem
        package let field: String
    }

    package init(body: JSONObject) throws(Invalid) {
        func field(_ name: String) throws(Invalid) -> String {
            switch body[name] {
            case .string(let text)?: return text
            case .number(let number)?: return number.text
            case nil, .null?: throw Invalid(problem: .missing, field: name)
            default: throw Invalid(problem: .notTextOrNumber, field: name)
            }
        }
        self.body = body
        orderId = try field("order_id")
        statusCode = try field("status_code")
        grossAmount = try field("gross_amount")
        signatureKey = try field("signature_key")
        transactionStatus = try field("transaction_status")
        fraudStatus = body["fraud_status"]?.stringValue
    }

    /// Hex SHA-512 of `order_id + status_code + gross_amount + serverKey`, compared in constant time.
    package func hasValidSignature(serverKey: String) -> Bool {
        let expected = Array(HexDigest.string(SHA512.hash(data: Array((orderId + statusCode + grossAmount + serverKey).utf8))).utf8)
        let given = Array(signatureKey.lowercased().utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// `transaction_status`, when this service knows it (one it does not know is never applied).
    var status: PaymentStatus? { PaymentStatus(rawValue: transactionStatus) }

    /// Whether this notification means the money is in: `settlement`, or `capture` with
    /// `fraud_status` `accept`.
    var isPaid: Bool {
        status == .settlement || (status == .capture && fraudStatus == "accept")
    }

    /// Whether `transaction_status`, which the signature does not cover, agrees with the signed
    /// `status_code` (`PaymentStatus.statusCode`): a 201 `pending` notification with its status
    /// swapped for `deny` or `settlement` does not. A status this service does not know is not
    /// judged here: it is never applied (`PaymentStatus.accepts`).
    var isConsistent: Bool {
        status.map { $0.statusCode == statusCode } ?? true
    }

    /// `gross_amount` as whole Rupiah when it is a plain decimal whose fraction is all zeros
    /// (`"100000.00"` → 100000); nil otherwise.
    var wholeAmount: Int64? {
        let parts = grossAmount.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy({ $0.isASCII && $0.isNumber }),
              parts.count == 1 || parts[1].allSatisfy({ $0 == "0" })
        else { return nil }
        return Int64(whole)
    }
}

/// Lowercase hexadecimal text of bytes (digests).
enum HexDigest {
    static func string(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return out
    }
}
