import TobaRPC

/// JSON laid out as Python's `json.dump(value, indent=2)` lays it out, which is what
/// `manage.py dumpdata --indent 2` writes: one member per line, `": "` after keys, empty
/// containers as `{}` and `[]`. Scalars are written by ``JSONWriter`` (numbers keep their spelling).
enum IndentedJSON {
    static func write(_ value: JSONValue, level: Int = 0, into out: inout [UInt8]) {
        switch value {
        case .array(let elements) where !elements.isEmpty:
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                newline(position > 0, level: level + 1, into: &out)
                write(element, level: level + 1, into: &out)
            }
            newline(false, level: level, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let object) where !object.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (position, member) in object.enumerated() {
                newline(position > 0, level: level + 1, into: &out)
                JSONWriter.write(.string(member.key), into: &out)
                out.append(contentsOf: ": ".utf8)
                write(member.value, level: level + 1, into: &out)
            }
            newline(false, level: level, into: &out)
            out.append(UInt8(ascii: "}"))
        default:
            JSONWriter.write(value, into: &out)
        }
    }

    private static func newline(_ afterMember: Bool, level: Int, into out: inout [UInt8]) {
        if afterMember { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }
}
