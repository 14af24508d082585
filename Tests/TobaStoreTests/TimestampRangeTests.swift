import Testing
import TobaStore

/// Every stored timestamp must read back: an instant outside years 1–9999 would be written as
/// `10000-01-01 …` or `0000-…`, which no reader (this service's included, where it trapped;
/// PostgreSQL, which has no year 0; Python's `datetime`) can take, and which sorts wrongly as text.
@Suite struct TimestampRangeTests {
    @Test(arguments: ["9999-12-31T23:59:59-00:01", "9999-12-31T23:59:59.999999-23:59", "0001-01-01T00:00:00+00:01",
                      "0001-01-01T00:00:00.000000+23:59", "0000-01-01T00:00:00Z", "0000-06-01T00:00:00Z"])
    func anOffsetThatLeavesTheFourDigitYearsIsNoTimestamp(_ text: String) {
        #expect(Timestamp(parsing: text) == nil)
    }

    @Test(arguments: ["9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00Z",
                      "0001-01-01T00:00:00-23:59", "9999-12-31T23:59:59+23:59"])
    func theEdgesOfTheFourDigitYearsRoundTrip(_ text: String) throws {
        let instant = try #require(Timestamp(parsing: text))
        #expect(Timestamp.representable.contains(instant))
        #expect(Timestamp(parsing: instant.databaseText) == instant)
        #expect(Timestamp(parsing: instant.rfc3339) == instant)
    }

    @Test func addingStopsAtTheEndsOfTheCalendarInsteadOfOverflowing() {
        let late = Timestamp(parsing: "9999-12-20T00:00:00Z")!
        #expect(late.adding(days: 36_500) == Timestamp.latest)
        #expect(late.adding(days: .max) == Timestamp.latest)
        #expect(late.adding(seconds: .max) == Timestamp.latest)
        #expect(late.adding(seconds: .min) == Timestamp.earliest)
        #expect(late.adding(days: .min) == Timestamp.earliest)
        #expect(Timestamp.latest.adding(seconds: 1_209_600).rfc3339 == "9999-12-31T23:59:59.999999Z")
        #expect(Timestamp.earliest.adding(seconds: -1).rfc3339 == "0001-01-01T00:00:00.000000Z")
        #expect(late.adding(days: 1).rfc3339 == "9999-12-21T00:00:00.000000Z")
        #expect(late.adding(days: -1).rfc3339 == "9999-12-19T00:00:00.000000Z")
    }
}
