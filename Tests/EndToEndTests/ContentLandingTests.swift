import Foundation
import Testing
import TobaRPC

/// §8.11 end to end: landing slides and the swiper.
@Suite struct LandingTests {
    static func slide(_ sidecar: Sidecar, _ token: JSONValue, _ title: String, _ extra: JSONObject = [:]) throws -> JSONValue {
        var params: JSONObject = ["token": token, "title": .string(title)]
        for (k, v) in extra { params[k] = v }
        return try sidecar.result("landing.slide.create", .object(params))["slide"]!
    }

    static func titles(_ list: JSONValue) -> [String] {
        list["items"]?.arrayValue?.compactMap { $0["title"]?.stringValue } ?? []
    }

    @Test func theLandingListShowsActiveShownSlidesInSwiperOrder() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let a = try Self.slide(sidecar, root, "A", ["category": "event", "backgroundColors": ["#fff", "#000"], "videoDuration": 30,
                                                    "eventStart": "2026-12-01T09:00:00+07:00", "eventEnd": "2026-12-01T11:00:00+07:00"])
        let b = try Self.slide(sidecar, root, "B")
        let c = try Self.slide(sidecar, root, "C", ["isActive": false])
        let d = try Self.slide(sidecar, root, "D")
        #expect(a["backgroundColors"] == ["#fff", "#000"])
        #expect(a["eventStart"] == "2026-12-01T02:00:00.000000Z")
        #expect(a["id"]?.stringValue?.count == 36)
        #expect(try sidecar.result("landing.list", [:])["items"] == [])

        let arranged = try sidecar.result("landing.arrange", ["token": root, "slides": [
            ["slideId": d["id"]!, "isShow": true], ["slideId": c["id"]!, "isShow": true],
            ["slideId": a["id"]!, "isShow": true], ["slideId": b["id"]!, "isShow": false],
        ]])
        #expect(arranged["swiper"]?.arrayValue?.compactMap { $0["order"]?.int64Value } == [1, 2, 3, 4])
        let list = try sidecar.result("landing.list", [:])
        #expect(Self.titles(list) == ["D", "A"])
        #expect(list["items"]?[1]?["order"] == 3)

        _ = try sidecar.result("landing.arrange", ["token": root, "slides": [["slideId": b["id"]!], ["slideId": a["id"]!, "isShow": true]]])
        #expect(Self.titles(try sidecar.result("landing.list", [:])) == ["B", "A"])

        _ = try sidecar.result("landing.slide.update", ["token": root, "slideId": b["id"]!, "isActive": false])
        #expect(Self.titles(try sidecar.result("landing.list", [:])) == ["A"])
        #expect(try sidecar.finish() == 0)
    }

    @Test func arrangeRefusesUnknownAndRepeatedSlidesAndChangesNothing() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let a = try Self.slide(sidecar, root, "A")
        _ = try sidecar.result("landing.arrange", ["token": root, "slides": [["slideId": a["id"]!, "isShow": true]]])
        let unknown = try sidecar.error("landing.arrange", ["token": root, "slides": [["slideId": "6f9619ff-8b86-d011-b42d-00c04fc964ff"]]])
        #expect(unknown["code"] == 1003)
        let repeated = try sidecar.error("landing.arrange", ["token": root, "slides": [["slideId": a["id"]!], ["slideId": a["id"]!]]])
        #expect(repeated["data"]?["reason"] == "duplicate_slide")
        let badEntry = try sidecar.error("landing.arrange", ["token": root, "slides": [["slideId": a["id"]!, "show": true]]])
        #expect(badEntry["code"] == -32602)
        #expect(badEntry["data"]?["field"] == "slides[0].show")
        #expect(Self.titles(try sidecar.result("landing.list", [:])) == ["A"])

        let (_, user) = try sidecar.registerAndLogin("plain@example.com")
        #expect(try sidecar.error("landing.arrange", ["token": user, "slides": []])["data"]?["permission"] == "landing.change_swiper")
        #expect(try sidecar.error("landing.slide.create", ["token": user, "title": "X"])["data"]?["permission"] == "landing.add_swiperslide")
        #expect(try sidecar.finish() == 0)
    }

    @Test func deletingASlideRemovesItsSwiperEntry() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let a = try Self.slide(sidecar, root, "A")
        let b = try Self.slide(sidecar, root, "B")
        _ = try sidecar.result("landing.arrange", ["token": root, "slides": [["slideId": a["id"]!], ["slideId": b["id"]!]]])
        let deleted = try sidecar.result("landing.slide.delete", ["token": root, "slideId": a["id"]!])
        #expect(deleted["deleted"] == true)
        #expect(Self.titles(try sidecar.result("landing.list", [:])) == ["B"])
        #expect(try sidecar.error("landing.slide.delete", ["token": root, "slideId": a["id"]!])["code"] == 1003)
        let again = try sidecar.result("landing.arrange", ["token": root, "slides": [["slideId": b["id"]!]]])
        #expect(again["swiper"]?.arrayValue?.count == 1)
        #expect(try sidecar.finish() == 0)
    }

    @Test func slideValuesAreCheckedAndUpdatesLogOnlyTheChangedColumns() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        #expect(try sidecar.error("landing.slide.create", ["token": root, "title": "A", "videoDuration": -1])["data"]?["reason"] == "value_out_of_range")
        #expect(try sidecar.error("landing.slide.create", ["token": root, "title": "A", "fontColor": .string(String(repeating: "f", count: 19))])["data"]?["field"] == "fontColor")
        #expect(try sidecar.error("landing.slide.create", ["token": root])["data"]?["reason"] == "missing")
        #expect(try sidecar.error("landing.slide.create", ["token": root, "title": "A", "eventStart": "2026-12-02T00:00:00Z",
                                                            "eventEnd": "2026-12-01T00:00:00Z"])["data"]?["reason"] == "invalid_window")
        let a = try Self.slide(sidecar, root, "A", ["subtitle": "same"])
        _ = try sidecar.result("system.clock.advance", ["seconds": 5])
        let updated = try sidecar.result("landing.slide.update", ["token": root, "slideId": a["id"]!, "subtitle": "same",
                                                                  "title": "A2", "backgroundColors": ["#123"]])
        #expect(updated["slide"]?["title"] == "A2")
        #expect(updated["slide"]?["updatedAt"] != a["updatedAt"])
        let cleared = try sidecar.result("landing.slide.update", ["token": root, "slideId": a["id"]!, "backgroundColors": nil])
        #expect(cleared["slide"]?["backgroundColors"] == .null)
        #expect(try sidecar.error("landing.slide.update", ["token": root, "slideId": a["id"]!, "title": nil])["code"] == -32602)
        #expect(try sidecar.error("landing.slide.update", ["token": root, "slideId": "nope", "title": "x"])["code"] == 1003)

        let log = try sidecar.result("admin.log.list", ["token": root])["items"]?.arrayValue ?? []
        let slideEntries = log.filter { $0["objectId"] == a["id"] }
        #expect(slideEntries.compactMap { $0["actionFlag"]?.int64Value } == [2, 2, 1])
        #expect(slideEntries.first?["changeMessage"] == [["changed": ["fields": ["background_colors"]]]])
        #expect(slideEntries.dropFirst().first?["changeMessage"] == [["changed": ["fields": ["title", "background_colors"]]]])
        #expect(try sidecar.finish() == 0)
    }

    @Test func arrangeAndDeleteWriteAdminLogs() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let a = try Self.slide(sidecar, root, "A")
        let b = try Self.slide(sidecar, root, "B")
        _ = try sidecar.result("landing.arrange", ["token": root, "slides": [["slideId": a["id"]!], ["slideId": b["id"]!]]])
        _ = try sidecar.result("landing.arrange", ["token": root, "slides": [["slideId": a["id"]!, "isShow": false]]])
        _ = try sidecar.result("landing.slide.delete", ["token": root, "slideId": b["id"]!])
        let log = try sidecar.result("admin.log.list", ["token": root])["items"]?.arrayValue ?? []
        let summary = log.map { "\($0["actionFlag"]?.int64Value ?? 0):\($0["objectRepr"]?.stringValue ?? "")" }
        #expect(summary == ["3:B", "3:B", "2:A", "1:B", "1:A", "1:B", "1:A"])
        #expect(try sidecar.finish() == 0)
    }
}
