/// A word of a fixed set stored as its text (a status, a group name): an enum whose raw values
/// are the stored words reads and writes through the storage interface by adopting
/// `SQLColumnValue`. It is written as its raw value and read back only when the stored text is
/// one of the words.
extension SQLColumnValue where Self: RawRepresentable, RawValue == String {
    package var sqlValue: SQLValue { .text(rawValue) }

    package static func decode(_ stored: SQLValue) -> Self? {
        String.decode(stored).flatMap(Self.init(rawValue:))
    }
}
