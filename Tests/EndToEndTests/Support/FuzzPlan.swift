import Foundation
import TobaRPC

/// One fuzzed request: its method, its `params` member (nil: omitted) and what was done to it.
struct FuzzCall {
    let method: String
    let params: JSONValue?
    let label: String
}

/// The calls made for one method: rounds of calls sent together (pipelined), so that a round
/// whose calls all failed can be checked to have changed nothing.
struct FuzzPlan {
    let method: FuzzMethod
    let world: FuzzWorld
    var n = 0

    enum Token { case admin, user, garbage, absent, wrongType }

    /// A session token is a `token` parameter, except `password.reset`'s (a reset token).
    var sessionToken: Bool { method.takesToken && method.name != "password.reset" }

    /// Every required parameter and each optional one with probability `optional`.
    mutating func validParams(optional: Double, token: Token, _ rng: inout SeededGenerator) -> JSONObject {
        var object = JSONObject()
        for param in method.params where param.required || Double.random(in: 0..<1, using: &rng) < optional {
            n += 1
            object[param.name] = world.valid(param, method: method.name, n: n, &rng)
        }
        world.harmonize(&object, method: method.name, &rng)
        if sessionToken { applyToken(token, to: &object, &rng) }
        return object
    }

    func applyToken(_ token: Token, to object: inout JSONObject, _ rng: inout SeededGenerator) {
        let admin = world.admin.stringValue ?? ""
        switch token {
        case .admin: object["token"] = world.admin
        case .user: object["token"] = world.user
        case .absent: object["token"] = nil
        case .wrongType: object["token"] = [42, .object([:]), ["a"], true].randomElement(using: &rng)!
        case .garbage:
            let forged = String(admin.dropLast()) + (admin.hasSuffix("A") ? "B" : "A")
            let choices = ["garbage", "", "a.b.c", "eyJhbGciOiJub25lIn0.eyJ1aWQiOjF9.", forged, "Bearer " + admin,
                           admin + admin, String(repeating: "e", count: 100_000), "\u{0000}"]
            object["token"] = .string(choices.randomElement(using: &rng)!)
        }
    }

    /// The hostile replacements for one parameter (nil value: leave it out).
    func mutations(of param: FuzzParam, _ rng: inout SeededGenerator) -> [(String, JSONValue?)] {
        var out: [(String, JSONValue?)] = [("null", .null), ("missing", nil)]
        if let wrong = FuzzValues.wrongType(for: param, &rng) { out.append(("wrongType", wrong)) }
        if let other = FuzzValues.wrongType(for: param, &rng) { out.append(("wrongType", other)) }
        // 254 levels is the parser's limit (the request and its params are two more). A JSON
        // value that is stored comes back three levels deeper ({"result":{"product":{"extraData":…}}}),
        // so those stay within 251 levels, which the harness (and a client as strict) can read back.
        let storable = param.types.isEmpty || param.types.contains("array") || param.types.contains("object")
        let depth = storable ? 251 : 254
        var pool: [(String, JSONValue)] = [
            ("huge", .string(FuzzValues.huge(&rng))),
            ("deepArray", FuzzValues.nested(depth, leaf: "x", objects: false)),
            ("deepObject", FuzzValues.nested(Int.random(in: 2...depth, using: &rng), leaf: 1, objects: true)),
            ("any", FuzzValues.anyValue(&rng)),
        ]
        for _ in 0..<3 { pool.append(("string", .string(FuzzValues.strings.randomElement(using: &rng)!))) }
        for _ in 0..<3 { pool.append(("number", FuzzValues.numbers.randomElement(using: &rng)!)) }
        if param.allowsString { pool.append(("string", .string(FuzzValues.strings.randomElement(using: &rng)!))) }
        if param.allowsInteger {
            for _ in 0..<3 { pool.append(("number", FuzzValues.numbers.randomElement(using: &rng)!)) }
        }
        pool.shuffle(using: &rng)
        if let max = param.schema["maxLength"]?.int64Value.map(Int.init) {
            // At the documented length, in ASCII, and past it in code points but not in
            // Swift's characters (an accent combined with its letter, an emoji with its skin
            // tone), or only once upper- or lower-cased ("ß" → "SS", "İ" → "i̇").
            let boundary = [String(repeating: "x", count: max), String(repeating: "x", count: max + 1),
                            String(repeating: "e\u{301}", count: max), String(repeating: "👍🏽", count: max / 2 + 1),
                            String(repeating: "ß", count: max), String(repeating: "İ", count: max)]
            out.append(("boundary", .string(boundary.randomElement(using: &rng)!)))
        }
        return out + pool.prefix(6).map { ($0.0, Optional($0.1)) }
    }

    /// A random unknown parameter name.
    static func unknownName(_ rng: inout SeededGenerator) -> String {
        ["fuzzExtra", "Token", "__proto__", "", "token ", "😀", "id", "params", String(repeating: "k", count: 10_000)]
            .randomElement(using: &rng)!
    }

    /// Every round of the full pass for this method.
    mutating func fullRounds(_ rng: inout SeededGenerator) -> [[FuzzCall]] {
        var rounds: [[FuzzCall]] = []
        var valid: [FuzzCall] = []
        let modes: [Token] = sessionToken ? [.admin, .user, .garbage, .garbage, .absent, .wrongType] : [.admin]
        for mode in modes {
            valid.append(FuzzCall(method: method.name, params: .object(validParams(optional: 0.5, token: mode, &rng)),
                                  label: "valid/\(mode)"))
        }
        for _ in 0..<4 {
            let token: Token = Bool.random(using: &rng) ? .admin : .user
            valid.append(FuzzCall(method: method.name, params: .object(validParams(optional: 1, token: token, &rng)),
                                  label: "valid-all/\(token)"))
        }
        rounds.append(valid)
        for param in method.params {
            var round: [FuzzCall] = []
            for (kind, value) in mutations(of: param, &rng) {
                let token: Token = Double.random(in: 0..<1, using: &rng) < 0.75 ? .admin : .user
                var object = validParams(optional: 0.3, token: token, &rng)
                object[param.name] = value
                round.append(FuzzCall(method: method.name, params: .object(object), label: "\(param.name)=\(kind)"))
            }
            rounds.append(round)
        }
        rounds.append(mixedRound(&rng))
        return rounds
    }

    /// Several parameters broken at once, unknown parameters, and params that are no object.
    mutating func mixedRound(_ rng: inout SeededGenerator) -> [FuzzCall] {
        var round: [FuzzCall] = []
        for _ in 0..<6 {
            var object = validParams(optional: 0.5, token: .admin, &rng)
            var labels: [String] = []
            for param in method.params.shuffled(using: &rng).prefix(Int.random(in: 1...3, using: &rng)) {
                let (kind, value) = mutations(of: param, &rng).randomElement(using: &rng)!
                object[param.name] = value
                labels.append("\(param.name)=\(kind)")
            }
            if Bool.random(using: &rng) {
                let name = Self.unknownName(&rng)
                object[name] = FuzzValues.anyValue(&rng)
                labels.append("unknown \(name.prefix(20))")
            }
            round.append(FuzzCall(method: method.name, params: .object(object), label: labels.joined(separator: ",")))
        }
        var extra = validParams(optional: 0.5, token: .admin, &rng)
        extra[Self.unknownName(&rng)] = 1
        round.append(FuzzCall(method: method.name, params: .object(extra), label: "unknown param"))
        round.append(FuzzCall(method: method.name, params: nil, label: "params omitted"))
        round.append(FuzzCall(method: method.name, params: .object([:]), label: "params {}"))
        round.append(FuzzCall(method: method.name, params: [world.admin, 1], label: "positional params"))
        return round
    }

    /// The short pass at an extreme clock: valid calls only, as the admin and as the user.
    mutating func clockRound(_ rng: inout SeededGenerator) -> [FuzzCall] {
        [Token.admin, .user, .admin, .user].map { token in
            FuzzCall(method: method.name, params: .object(validParams(optional: 0.7, token: token, &rng)), label: "extreme clock/\(token)")
        }
    }
}
