import Foundation

/// Where a PostgreSQL database is: `postgres://user[:password]@host[:port]/dbname[?sslmode=…]`
/// (or `postgresql://`), the password also from `PGPASSWORD`. Its description never shows the
/// password: it is what logs, messages and `system.health` show.
package struct PostgreSQLLocation: Sendable, Equatable, CustomStringConvertible {
    package enum SSLMode: String, Sendable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS when the server offers it, plain otherwise (libpq's default).
        case prefer
        /// TLS, without checking the server's certificate (as libpq's `require`).
        case require
        /// TLS with the server's certificate and name checked against the system's trust store.
        case verifyFull = "verify-full"
    }

    package let user: String
    let password: String?
    package let host: String
    package let port: Int
    package let database: String
    package let sslMode: SSLMode
    /// Seconds to wait for a connection (`connect_timeout`, default 10).
    package let connectTimeoutSeconds: Int

    package static func isURL(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// - Throws: `PostgreSQLLocationError` naming what is wrong, never repeating the URL (it may
    ///   hold a password).
    package init(url: String, environment: [String: String] = [:]) throws(PostgreSQLLocationError) {
        guard let schemeEnd = url.range(of: "://"), Self.isURL(url) else { throw .init("the URL must start with postgres:// or postgresql://") }
        var rest = Substring(url[schemeEnd.upperBound...])
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw .init("the URL names no database (…/dbname)") }
        let authority = rest[..<slash]
        let name = try Self.decode(rest[rest.index(after: slash)...], "database name")
        guard !name.isEmpty else { throw .init("the URL names no database (…/dbname)") }
        var hostPart = authority
        var userInfo: Substring?
        if let at = authority.lastIndex(of: "@") {
            userInfo = authority[..<at]
            hostPart = authority[authority.index(after: at)...]
        }
        var user = environment["PGUSER"] ?? "postgres"
        var password = environment["PGPASSWORD"]
        if let userInfo {
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.decode(userInfo[..<colon], "user name")
                password = try Self.decode(userInfo[userInfo.index(after: colon)...], "password")
            } else {
                user = try Self.decode(userInfo, "user name")
            }
        }
        var host = String(hostPart)
        var port = 5432
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { throw .init("the URL's IPv6 host lacks its closing ]") }
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") { port = try Self.port(after.dropFirst()) } else if !after.isEmpty { throw .init("the URL's host is malformed") }
        } else if let colon = hostPart.lastIndex(of: ":") {
            host = String(hostPart[..<colon])
            port = try Self.port(hostPart[hostPart.index(after: colon)...])
        }
        if host.isEmpty { host = "localhost" }
        var sslMode = SSLMode.prefer
        var timeout = 10
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let key = parts[0]
            let value = parts.count > 1 ? try Self.decode(Substring(parts[1]), key) : ""
            switch key {
            case "sslmode":
                switch value {
                case "disable", "allow": sslMode = .disable
                case "prefer": sslMode = .prefer
                case "require", "verify-ca": sslMode = .require
                case "verify-full": sslMode = .verifyFull
                default: throw .init("sslmode must be disable, prefer, require, verify-ca or verify-full (got \(value))")
                }
            case "connect_timeout":
                guard let seconds = Int(value), (1...600).contains(seconds) else { throw .init("connect_timeout must be 1…600 seconds") }
                timeout = seconds
            case "application_name":
                break  // Always toba-register.
            default:
                throw .init("unknown URL parameter \(key) (known: sslmode, connect_timeout, application_name)")
            }
        }
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = name
        self.sslMode = sslMode
        self.connectTimeoutSeconds = timeout
    }

    package var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(shownHost):\(port)/\(database)"
    }

    private static func port(_ text: Substring) throws(PostgreSQLLocationError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw .init("the URL's port must be 1…65535") }
        return port
    }

    /// Percent-decoding, refusing malformed escapes and bytes that are not UTF-8.
    private static func decode(_ text: Substring, _ what: String) throws(PostgreSQLLocationError) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else {
                throw .init("the URL's \(what) has a malformed %-escape")
            }
            bytes.append(value)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw .init("the URL's \(what) is not UTF-8") }
        return decoded
    }
}

package struct PostgreSQLLocationError: Error, Sendable, CustomStringConvertible {
    package let description: String

    init(_ description: String) { self.description = description }
}
