/// One reason a PostgreSQL database's tables cannot be adopted, naming the table and column.
package struct SchemaMismatch: Sendable, Equatable, CustomStringConvertible {
    package enum Problem: Sendable, Equatable {
        case tableMissing
        case columnMissing
        /// A type the service cannot store or read its values in (`expected` as we create it).
        case type(expected: String, found: String)
        case nullability(expectedNullable: Bool)
        /// An identity id without an identity, a serial default or any default: inserts need one.
        case noIdentityDefault
        /// A column the schema does not know, `NOT NULL` without a default: every insert would fail.
        case unknownRequired
    }

    package let table: String
    package let column: String?
    package let problem: Problem

    package init(table: String, column: String? = nil, problem: Problem) {
        self.table = table
        self.column = column
        self.problem = problem
    }

    /// `table "users_user" column "email": expected character varying(254), found integer`.
    package var description: String {
        let place = column.map { #"table "\#(table)" column "\#($0)""# } ?? #"table "\#(table)""#
        switch problem {
        case .tableMissing, .columnMissing:
            return "\(place) is missing"
        case .type(let expected, let found):
            return "\(place): expected \(expected), found \(found)"
        case .nullability(let expectedNullable):
            return "\(place): expected \(expectedNullable ? "NULL allowed" : "NOT NULL"), found \(expectedNullable ? "NOT NULL" : "NULL allowed")"
        case .noIdentityDefault:
            return "\(place): expected an identity or serial default, found none"
        case .unknownRequired:
            return "\(place) is not in the schema and is NOT NULL without a default"
        }
    }
}

/// `migrate` refused a PostgreSQL database whose tables do not match the schema; it changed
/// nothing. The message names every table and column at fault (no values, no connection URL).
package struct PostgreSQLSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    package let mismatches: [SchemaMismatch]

    /// The stable code of this failure.
    package var reason: String { "schema_mismatch" }

    package var description: String {
        let shown = mismatches.prefix(20).map(\.description)
        let more = mismatches.count > shown.count ? "; and \(mismatches.count - shown.count) more" : ""
        return "the PostgreSQL database's tables do not match toba-register's schema, so it was left unchanged: "
            + shown.joined(separator: "; ") + more
    }
}
