package import TobaRPC
package import TobaStore

extension Landing {
    /// The fields of a slide given to `landing.slide.create` or `landing.slide.update`: the
    /// columns of `landing_swiperslide` in lowerCamelCase, but the id and the timestamps the
    /// service keeps (`createdAt`, `updatedAt`). Absent fields are left as they are (update) or
    /// take their default (create: texts empty, booleans `isActive` true and `eventIsOnline`
    /// false, the rest null).
    package struct SlideChange: Sendable {
        /// The text columns by parameter name; null is not a text.
        package var texts: [String: String] = [:]
        package var eventIsOnline: Bool?
        package var isActive: Bool?
        package var eventStart: Patch<Timestamp> = .absent
        package var eventEnd: Patch<Timestamp> = .absent
        package var videoDuration: Patch<Int64> = .absent
        package var backgroundColors: Patch<JSONValue> = .absent

        package init() {}

        /// The parameter names of the text columns.
        package static let textParameters = textColumns.map(\.parameter)

        static let textColumns: [(parameter: String, column: String)] = [
            "category", "title", "subtitle", "description", "button_text", "event_speaker", "event_speaker_origin",
            "event_registration_link", "video_link", "product_link", "font_color", "image",
        ].map { (RecordJSON.camelCase($0), $0) }

        /// The columns to write for the fields given; `defaults` adds every other writable column
        /// with its default (a new slide).
        func columns(defaults: Bool) throws(DomainError) -> ColumnValues {
            let table = SchemaCatalog.table(Table.landingSwiperslide)
            var out = ColumnValues()
            for (parameter, column) in Self.textColumns {
                if let text = texts[parameter] {
                    if let max = table[column: column]?.maxLength { try Validate.length(text, max: max, field: parameter) }
                    out.set(column, text)
                } else if defaults {
                    out.set(column, "")
                }
            }
            func add(_ column: String, _ value: SQLValue?, default fallback: SQLValue) {
                if let value { out.set(column, value) } else if defaults { out.set(column, fallback) }
            }
            add("event_is_online", eventIsOnline?.sqlValue, default: false.sqlValue)
            add("is_active", isActive?.sqlValue, default: true.sqlValue)
            add("event_start", Self.value(eventStart), default: .null)
            add("event_end", Self.value(eventEnd), default: .null)
            if let duration = videoDuration.value, !(0...Int64(Int32.max)).contains(duration) {
                throw DomainError(.valueOutOfRange, field: "videoDuration")
            }
            add("video_duration", Self.value(videoDuration), default: .null)
            add("background_colors", Self.value(backgroundColors.map(\.databaseText)), default: .null)
            return out
        }

        static func value<T: SQLValueConvertible>(_ patch: Patch<T>) -> SQLValue? {
            switch patch {
            case .absent: nil
            case .null: .null
            case .value(let v): v.sqlValue
            }
        }
    }
}

private extension Patch {
    func map<U>(_ transform: (T) -> U) -> Patch<U> {
        switch self {
        case .absent: .absent
        case .null: .null
        case .value(let v): .value(transform(v))
        }
    }
}
