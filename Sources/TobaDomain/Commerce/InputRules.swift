/// Value rules shared by the commerce and voucher inputs. A nil value (a field not given) passes.
enum InputRules {
    /// `value_out_of_range` unless `value` lies in `range`.
    static func range(_ value: Int64?, _ range: ClosedRange<Int64>, field: String) throws(DomainError) {
        if let value, !range.contains(value) { throw DomainError(.valueOutOfRange, field: field) }
    }

    /// At most `max` characters (`value_too_long`); not blank when `required` (`value_required`).
    static func text(_ value: String?, max: Int, field: String, required: Bool = false) throws(DomainError) {
        guard let value else { return }
        if required { try Validate.nonBlank(value, field: field) }
        try Validate.length(value, max: max, field: field)
    }
}
