/// A statement as written for both engines (`?` placeholders), made ready for PostgreSQL once per
/// text: `?` becomes `$1`, `$2`, … (outside string literals, quoted identifiers and comments), and
/// an `INSERT` into a table with a serial `id` returns that id, so that `lastInsertedRowID` needs
/// no second round trip.
struct PostgreSQLStatement: Sendable {
    let text: String
    let parameterCount: Int
    /// The statement's rows carry the inserted id (and nothing else the caller asked for).
    let returnsInsertedID: Bool
    /// INSERT, UPDATE, DELETE or MERGE: the command tag's row count is `changesCount`.
    let changesRows: Bool
    /// A plain `SELECT`: it changes nothing (anything else, a `WITH` included, may).
    let onlyReads: Bool

    /// Tables whose primary key is a serial integer `id` (every catalog table whose `id` column
    /// is an integer).
    static let serialTables: Set<String> = Set(
        SchemaCatalog.tables.values.filter { $0.primaryKey == "id" && $0[column: "id"]?.kind == .integer }.map(\.name)
    )

    init(_ sql: String) {
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var count = 0
        var iterator = sql.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar?
        func next() -> Unicode.Scalar? {
            if let scalar = pending { pending = nil; return scalar }
            return iterator.next()
        }
        while let scalar = next() {
            switch scalar {
            case "?":
                count += 1
                output += "$\(count)"
            case "'", "\"":
                // A literal or quoted identifier runs to its closing quote (a doubled quote is
                // an escaped one and simply continues it).
                output.unicodeScalars.append(scalar)
                while let inner = next() {
                    output.unicodeScalars.append(inner)
                    if inner == scalar { break }
                }
            case "-":
                output.unicodeScalars.append(scalar)
                guard let following = next() else { break }
                if following == "-" {
                    output.unicodeScalars.append(following)
                    while let inner = next() {
                        output.unicodeScalars.append(inner)
                        if inner == "\n" { break }
                    }
                } else {
                    pending = following
                }
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        let verb = Self.firstWord(of: sql)
        changesRows = ["INSERT", "UPDATE", "DELETE", "MERGE"].contains(verb)
        onlyReads = verb == "SELECT"
        var returns = false
        if verb == "INSERT", let table = Self.insertTarget(sql), Self.serialTables.contains(table),
           !sql.uppercased().contains("RETURNING") {
            while let last = output.last, last == ";" || last.isWhitespace { output.removeLast() }
            output += #" RETURNING "id""#
            returns = true
        }
        text = output
        parameterCount = count
        returnsInsertedID = returns
    }

    private static func firstWord(of sql: String) -> String {
        String(sql.drop(while: \.isWhitespace).prefix(while: \.isLetter)).uppercased()
    }

    /// The table of `INSERT INTO "name"` / `INSERT INTO name`.
    static func insertTarget(_ sql: String) -> String? {
        var rest = Substring(sql).drop(while: \.isWhitespace)
        for word in ["INSERT", "INTO"] {
            guard rest.prefix(word.count).uppercased() == word else { return nil }
            rest = rest.dropFirst(word.count).drop(while: \.isWhitespace)
        }
        if rest.first == "\"" {
            let name = rest.dropFirst().prefix { $0 != "\"" }
            return String(name)
        }
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return name.isEmpty ? nil : String(name)
    }
}
