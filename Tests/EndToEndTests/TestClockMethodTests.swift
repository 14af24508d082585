import Foundation
import Testing
import TobaRPC

/// The test clock's methods (§8.1, with `--allow-test-clock`): the instants they take, and the
/// calendar they never leave.
@Suite struct TestClockMethodTests {
    /// An advance that would leave the four-digit years is refused as invalid params (it used to
    /// overflow and kill the process); the service goes on.
    @Test(arguments: [1e15, -1e15, 1e300, 400_000_000_000])
    func anAdvanceBeyondTheCalendarIsInvalidParams(_ seconds: Double) throws {
        let sidecar = try Sidecar()
        try sidecar.setClock("2030-01-01T00:00:00Z")
        let error = try sidecar.error("system.clock.advance", ["seconds": .number(try #require(JSONNumber(seconds)))])
        #expect(error["code"] == -32602)
        #expect(error["data"]?["field"] == "seconds")
        #expect(try sidecar.result("system.health")["status"] == "ok")
        #expect(try sidecar.result("system.clock.advance", ["seconds": 0])["now"] == "2030-01-01T00:00:00.000000Z")
        #expect(try sidecar.finish() == 0)
    }

    /// Decisions: `set` takes any RFC 3339 offset and answers in UTC; `advance` takes fractions and
    /// negative seconds (a clock set back is as useful to a test as one set forward).
    @Test func theClockTakesOffsetsFractionsAndSteps() throws {
        let sidecar = try Sidecar()
        let set = try sidecar.result("system.clock.set", ["now": "2030-01-01T07:00:00+07:00"])
        #expect(set["now"] == "2030-01-01T00:00:00.000000Z")
        #expect(try sidecar.result("system.clock.advance", ["seconds": .number(try #require(JSONNumber(text: "0.5")))])["now"] == "2030-01-01T00:00:00.500000Z")
        #expect(try sidecar.result("system.clock.advance", ["seconds": -3600])["now"] == "2029-12-31T23:00:00.500000Z")
        let bad = try sidecar.error("system.clock.set", ["now": "tomorrow"])
        #expect(bad["code"] == -32602)
        #expect(bad["data"]?["reason"] == "type")
        #expect(bad["data"]?["field"] == "now")
        #expect(try sidecar.finish() == 0)
    }
}
