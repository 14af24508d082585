import Foundation
import Testing
import TobaRPC

/// Logs go to stderr; even at `trace` they never carry a credential.
@Suite struct SecretsNotLoggedTests {
    @Test func noSecretReachesTheLogAtTraceLevel() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("secrets.sqlite")
        let sidecar = try Sidecar(arguments: ["--db", file.path, "--log-level", "trace", "--allow-test-clock"], directory: directory)
        var secrets: [String: String] = [:]
        func keep(_ name: String, _ value: JSONValue?) throws -> JSONValue {
            let value = try #require(value)
            secrets[name] = try #require(value.stringValue)
            return value
        }

        let first = "Kx9 first secret passphrase"
        let second = "Qz7 second secret passphrase"
        let third = "Wv3 third secret passphrase"
        let wrong = "Jm2 wrong secret passphrase"
        let inBadLine = "Rb5 password in a broken line"
        for (name, value) in ["first": first, "second": second, "third": third, "wrong": wrong, "inBadLine": inBadLine] {
            secrets[name] = value
        }

        try sidecar.setClock("2030-01-01T00:00:00Z")
        let registered = try sidecar.result("user.register", ["email": "secret@example.com", "password": .string(first)])
        let key = try keep("confirmation key", registered["confirmation"]?["key"])
        _ = try sidecar.result("email.confirm", ["key": .string(key.stringValue!.uppercased())])
        _ = try sidecar.error("user.register", ["email": "weak@example.com", "password": "Tn4shrt"])
        secrets["rejected password"] = "Tn4shrt"
        _ = try sidecar.result("user.register", ["email": "other@example.com", "password": .string(first)])
        try sidecar.advanceClock(seconds: 181)
        _ = try keep("resent key", try sidecar.result("email.resendConfirmation", ["email": "other@example.com"])["confirmation"]?["key"])

        _ = try sidecar.error("auth.login", ["email": "secret@example.com", "password": .string(wrong)])
        let login = try sidecar.result("auth.login", ["email": "secret@example.com", "password": .string(first), "userAgent": "test"])
        let token = try keep("token", login["token"])
        _ = try sidecar.result("auth.verify", ["token": token])
        let other = try keep("second token", try sidecar.result("auth.login", ["email": "secret@example.com", "password": .string(first)])["token"])
        _ = try sidecar.error("user.changePassword", ["token": token, "currentPassword": .string(wrong), "newPassword": .string(second)])
        _ = try sidecar.result("user.changePassword", ["token": token, "currentPassword": .string(first), "newPassword": .string(second)])
        _ = try sidecar.error("auth.verify", ["token": other])
        _ = try keep("email.add key", try sidecar.result("email.add", ["token": token, "email": "extra@example.com"])["confirmation"]?["key"])

        let reset = try sidecar.result("password.requestReset", ["email": "secret@example.com"])
        let resetToken = try keep("reset token", reset["token"])
        _ = try sidecar.error("password.reset", ["uid": try #require(reset["uid"]), "token": resetToken, "newPassword": "Tn4shrt"])
        _ = try sidecar.result("password.reset", ["uid": try #require(reset["uid"]), "token": resetToken, "newPassword": .string(third)])
        _ = try sidecar.error("password.reset", ["uid": try #require(reset["uid"]), "token": resetToken, "newPassword": .string(third)])
        _ = try sidecar.error("auth.verify", ["token": token])
        let fresh = try keep("third token", try sidecar.result("auth.login", ["email": "secret@example.com", "password": .string(third)])["token"])

        let saved = try sidecar.result("websession.save", ["data": ["cart": "c"]])
        let sessionKey = try keep("web session key", saved["sessionKey"])
        _ = try sidecar.result("websession.load", ["sessionKey": sessionKey])
        _ = try sidecar.result("websession.delete", ["sessionKey": sessionKey])

        // Refused requests that still carry secrets.
        _ = try sidecar.error("auth.login", ["email": "secret@example.com", "password": .string(third), "pasword": .string(third)])
        _ = try sidecar.error("user.delete", ["token": fresh, "password": .string(wrong)])
        sidecar.send(#"{"jsonrpc":"2.0","method":"auth.login","params":{"email":"secret@example.com","password":"\#(inBadLine)"},"id":"#)
        _ = try sidecar.result("auth.logout", ["token": fresh])
        #expect(try sidecar.finish() == 0)

        let keyFile = try String(contentsOfFile: file.path + ".key", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        secrets["secret key file"] = keyFile
        // Signatures alone are secrets too.
        for name in ["token", "second token", "third token"] {
            if let signature = secrets[name]?.split(separator: ".").last { secrets[name + " signature"] = String(signature) }
        }

        let log = sidecar.stderrText
        #expect(log.contains("auth.login"), "trace logging is on (the log names the methods)")
        for (name, value) in secrets.sorted(by: { $0.key < $1.key }) {
            #expect(!log.contains(value), "the log holds the \(name)")
            #expect(!log.lowercased().contains(value.lowercased()), "the log holds the \(name) in another case")
        }
    }
}
