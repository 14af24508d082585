import Foundation
import TobaRPC

/// One write the crash harness sends: its request, the natural key by which its row can be found
/// in the file whether or not it was answered, and its result once an answer was read.
struct CrashOp {
    enum Kind: String, CaseIterable {
        case register, login, feedback, websession, claim, payment
    }

    let id: String
    let kind: Kind
    let method: String
    let params: JSONValue
    /// register: the email; login: the unique user agent; feedback: the message; websession: the
    /// session key; claim: the claimer's user id; payment: the idempotency key.
    let key: String
    /// What websession.save stores, or the password of a registration.
    let detail: String
    /// The `result` of a success answer read before the kill (nil: not acknowledged).
    var result: JSONValue?
}

/// A logged-in user the workload may act for: feedback, payments, one voucher claim.
struct CrashUser {
    let userId: Int64
    let token: JSONValue
}

/// Generates one round of mixed writes (seeded) and reads back which of them were acknowledged.
struct CrashWorkload {
    let productId: JSONValue
    let planId: JSONValue
    let voucherCode: String
    /// Users with a token; grows with every acknowledged login.
    var users: [CrashUser]
    /// Users who have not been sent a voucher claim yet.
    var unclaimed: [CrashUser]
    /// Every user ever put in `unclaimed` (a user may log in several times).
    var known: Set<Int64> = []

    /// `count` writes for round `round`, and the lines that send them (some grouped in batches).
    /// Logins mostly follow a registration of the same round (they depend on it through ordering).
    mutating func round(_ round: Int, count: Int, rng: inout SeededGenerator) -> (ops: [CrashOp], lines: [String]) {
        var ops: [CrashOp] = []
        var registered: [(email: String, password: String)] = []
        for i in 0..<count {
            let id = "r\(round)-\(i)"
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 22 || users.isEmpty {
                let email = "crash-\(round)-\(i)@example.com"
                let password = "crash passphrase \(round) \(i)"
                registered.append((email, password))
                ops.append(CrashOp(id: id, kind: .register, method: "user.register",
                                   params: ["email": .string(email), "password": .string(password)], key: email, detail: password))
            } else if roll < 40, let account = registered.randomElement(using: &rng) {
                let agent = "crash agent \(round) \(i)"
                ops.append(CrashOp(id: id, kind: .login, method: "auth.login",
                                   params: ["email": .string(account.email), "password": .string(account.password),
                                            "userAgent": .string(agent)], key: agent, detail: account.email))
            } else if roll < 58 {
                let user = users.randomElement(using: &rng)!
                let message = "crash feedback \(round) \(i)"
                ops.append(CrashOp(id: id, kind: .feedback, method: "feedback.submit",
                                   params: ["token": user.token, "satisfaction": "happy", "type": "bug", "page": "crash",
                                            "message": .string(message)], key: message, detail: ""))
            } else if roll < 80 {
                let key = "crash\(round)x\(i)"
                let data = "session data \(round) \(i) " + String(repeating: "z", count: Int.random(in: 0..<200, using: &rng))
                ops.append(CrashOp(id: id, kind: .websession, method: "websession.save",
                                   params: ["sessionKey": .string(key), "data": .string(data)], key: key, detail: data))
            } else if roll < 90, !unclaimed.isEmpty {
                let user = unclaimed.removeLast()
                ops.append(CrashOp(id: id, kind: .claim, method: "voucher.claim",
                                   params: ["token": user.token, "code": .string(voucherCode.lowercased()), "productId": productId],
                                   key: String(user.userId), detail: ""))
            } else {
                let user = users.randomElement(using: &rng)!
                let key = "crash-pay-\(round)-\(i)"
                ops.append(CrashOp(id: id, kind: .payment, method: "payment.create",
                                   params: ["token": user.token, "planId": planId, "idempotencyKey": .string(key)], key: key, detail: ""))
            }
        }
        return (ops, Self.lines(for: ops, rng: &rng))
    }

    /// One line per op, except that now and then 2–4 consecutive ops travel as one batch.
    static func lines(for ops: [CrashOp], rng: inout SeededGenerator) -> [String] {
        var lines: [String] = []
        var index = 0
        while index < ops.count {
            let size = Int.random(in: 0..<100, using: &rng) < 12 ? Int.random(in: 2...4, using: &rng) : 1
            let members = ops[index..<min(ops.count, index + size)].map {
                Sidecar.requestLine($0.method, $0.params, id: .string($0.id))
            }
            lines.append(members.count == 1 ? members[0] : "[" + members.joined(separator: ",") + "]")
            index += members.count
        }
        return lines
    }

    /// Marks the ops whose success answer is among `lines` (single answers and batch members).
    /// Returns the answers that were errors (the workload is valid: none is expected) and the
    /// number of lines that were not JSON (a response torn by the kill is not an answer).
    static func acknowledge(_ ops: inout [CrashOp], lines: [String]) -> (errors: [String], torn: Int) {
        var position: [String: Int] = [:]
        for (k, op) in ops.enumerated() { position[op.id] = k }
        var errors: [String] = []
        var torn = 0
        for line in lines {
            guard let value = try? JSONParser.parse(Array(line.utf8)) else {
                torn += 1
                continue
            }
            for answer in value.arrayValue ?? [value] {
                // `call-N` ids are the read-back calls made through the same process.
                if let id = answer["id"]?.stringValue, id.hasPrefix("call-") { continue }
                guard let id = answer["id"]?.stringValue, let k = position[id] else {
                    errors.append("an answer to no request of the round: \(answer)")
                    continue
                }
                if let result = answer["result"] {
                    ops[k].result = result
                } else {
                    errors.append("\(ops[k].method) \(id): \(answer)")
                }
            }
        }
        return (errors, torn)
    }

    /// Acknowledged logins join the users the next rounds act for.
    mutating func adopt(_ ops: [CrashOp]) {
        for op in ops where op.kind == .login {
            guard let result = op.result, let token = result["token"], let userId = result["user"]?["id"]?.int64Value else { continue }
            let user = CrashUser(userId: userId, token: token)
            users.append(user)
            if known.insert(userId).inserted { unclaimed.append(user) }
        }
    }
}
