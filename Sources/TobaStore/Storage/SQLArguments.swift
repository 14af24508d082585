/// The values bound to a statement's `?` placeholders, in order.
package struct SQLArguments: Sendable, ExpressibleByArrayLiteral {
    package private(set) var values: [SQLValue]

    package init(_ values: [SQLValue] = []) {
        self.values = values
    }

    package init(arrayLiteral elements: (any SQLValueConvertible)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    package static func + (lhs: SQLArguments, rhs: SQLArguments) -> SQLArguments {
        SQLArguments(lhs.values + rhs.values)
    }

    package static func += (lhs: inout SQLArguments, rhs: SQLArguments) {
        lhs.values += rhs.values
    }
}
