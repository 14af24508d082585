/// Escaping for log lines. A log line is `key=value` pairs and a message; a value may come from a
/// client, so nothing in it may end the line, forge a pair or hide what it says:
/// - `\` becomes `\\`, `"` becomes `\"`, newline, carriage return and tab become `\n`, `\r`, `\t`;
/// - every other control character (C0, DEL, C1), the Unicode line and paragraph separators and the
///   bidirectional overrides become `\u{XX}`;
/// - a value that is empty or holds a space, `=` or `"`, or needed escaping, is quoted: `k="a b"`.
enum LogText {
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out.append(contentsOf: #"\\"#.unicodeScalars)
            case "\"": out.append(contentsOf: #"\""#.unicodeScalars)
            case "\n": out.append(contentsOf: #"\n"#.unicodeScalars)
            case "\r": out.append(contentsOf: #"\r"#.unicodeScalars)
            case "\t": out.append(contentsOf: #"\t"#.unicodeScalars)
            case _ where needsEscape(scalar):
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// A metadata value, quoted when it is empty or could otherwise be misread.
    static func value(_ text: String) -> String {
        let escaped = escaped(text)
        let plain = !text.isEmpty && escaped == text && !text.unicodeScalars.contains { $0 == " " || $0 == "=" }
        return plain ? text : "\"" + escaped + "\""
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x5C, 0x22: true  // \ and "
        case 0x2028, 0x2029: true  // line and paragraph separators
        case 0x202A...0x202E, 0x2066...0x2069: true  // bidirectional overrides and isolates
        default: false
        }
    }
}
