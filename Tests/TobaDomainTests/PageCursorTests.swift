import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// PROTOCOL.md §5: list methods take `limit` (1…500, default 50) and an opaque `cursor`, and
/// answer `{items, nextCursor}`; keyset pagination, so rows inserted or deleted between pages are
/// never repeated nor skipped.
@Suite struct PageCursorTests {
    /// Follows `nextCursor` two at a time until it is null; every item's `key`, in order.
    static func walk(_ page: (PageRequest) throws -> JSONValue, _ key: (JSONValue) -> String?) throws -> [String] {
        var seen: [String] = []
        var cursor: String?
        repeat {
            let result = try page(try PageRequest(limit: 2, cursor: cursor))
            let items = try #require(result["items"]?.arrayValue)
            #expect(items.count <= 2)
            seen += items.compactMap(key)
            cursor = result["nextCursor"]?.stringValue
            #expect(cursor != nil || result["nextCursor"] == .null)
        } while cursor != nil
        return seen
    }

    @Test func limitsOutside1To500AreRefusedAndTheDefaultIs50() throws {
        #expect(try PageRequest(limit: nil, cursor: nil).limit == 50)
        #expect(try PageRequest(limit: 1, cursor: nil).limit == 1)
        #expect(try PageRequest(limit: 500, cursor: nil).limit == 500)
        for bad in [0, -1, 501] {
            #expect(throws: DomainError(.invalidLimit, field: "limit")) { try PageRequest(limit: bad, cursor: nil) }
        }
    }

    @Test func aCursorIsTheLastRowsSortKeyAndAnythingElseIsRefused() async throws {
        // Given a cursor made from a text sort value and an integer key
        let cursor = Page.encode("2026-03-01 00:00:00".sqlValue, 42.sqlValue)
        // Then it is URL-safe base64 without padding, and reads back
        #expect(cursor.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(Page.decode(cursor)?.0 == "2026-03-01 00:00:00".sqlValue)
        #expect(Page.decode(cursor)?.1 == 42.sqlValue)
        // And garbage, another JSON shape, or an oversized cursor is refused by every list
        let t = try await TestDatabase()
        let shapes = ["garbage!", "", "e30", Page.encode(.null, .null) + String(repeating: "A", count: 1024)]
        for bad in shapes {
            let refused = #expect(throws: DomainError.self, "\(bad.prefix(20))") {
                try t.write { db in try t.services.accounts.listCategories(db, page: try PageRequest(limit: nil, cursor: bad)) }
            }
            #expect(refused == DomainError(.invalidCursor, field: "cursor"))
        }
    }

    @Test func rowsInsertedOrDeletedBetweenPagesAreNeitherRepeatedNorSkipped() async throws {
        // Given categories A…D and a first page of two
        let t = try await TestDatabase()
        func create(_ name: String) throws -> Int64 {
            try t.id(try t.admin(.usersAddCategory) { admin, db in try t.services.accounts.createCategory(db, admin: admin, name: name) }["category"])
        }
        func page(_ cursor: String?) throws -> JSONValue {
            try t.write { db in try t.services.accounts.listCategories(db, page: try PageRequest(limit: 2, cursor: cursor)) }
        }
        let ids = try ["A", "B", "C", "D"].map(create)
        let first = try page(nil)
        #expect(first["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["A", "B"])
        // When the first row is deleted and a new one added before the next page
        try t.write { db in try db.execute(sql: "DELETE FROM users_category WHERE id = ?", arguments: [ids[0]]) }
        _ = try create("E")
        // Then the next pages go on after B: no row twice, none lost
        let second = try page(try #require(first["nextCursor"]?.stringValue))
        #expect(second["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["C", "D"])
        let third = try page(try #require(second["nextCursor"]?.stringValue))
        #expect(third["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["E"])
        #expect(third["nextCursor"] == .null)
    }

    @Test func deviceListAndTargetsArePagedAcrossKinds() async throws {
        // Given a user's devices of every kind, one of them inactive
        let t = try await TestDatabase()
        let owner = try t.user("devices@example.com")
        let registrations = [
            Devices.Registration(kind: "wns", registrationId: "wns-1"), Devices.Registration(kind: "apns", registrationId: "abcd", active: false),
            Devices.Registration(kind: "gcm", registrationId: "fcm-1"),
            Devices.Registration(kind: "webpush", registrationId: "https://push.example/1", p256dh: "k", auth: "a"),
            Devices.Registration(kind: "webpush", registrationId: "https://push.example/2", p256dh: "k", auth: "a"),
        ]
        for registration in registrations {
            _ = try t.call(as: owner) { user, db in try t.services.devices.register(db, user: user, registration) }
        }
        // Then the owner's list walks them all by kind, then id; the admin's targets only the active ones
        let all = ["abcd", "fcm-1", "https://push.example/1", "https://push.example/2", "wns-1"]
        let listed = try Self.walk({ page in
            try t.call(as: owner) { user, db in try t.services.devices.list(db, user: user, page: page) }
        }) { $0["registrationId"]?.stringValue }
        #expect(listed == all)
        let targets = try Self.walk({ page in
            try t.admin(.pushNotificationsViewGcmdevice) { _, db in try t.services.devices.targets(db, userId: owner.id, page: page) }
        }) { $0["registrationId"]?.stringValue }
        #expect(targets == Array(all.dropFirst()))
        // And a cursor the list did not make is refused
        let garbage = #expect(throws: DomainError.self) {
            try t.call(as: owner) { user, db in try t.services.devices.list(db, user: user, page: try PageRequest(limit: nil, cursor: "garbage")) }
        }
        #expect(garbage == DomainError(.invalidCursor, field: "cursor"))
    }

    @Test func landingListIsPagedInSwiperOrder() async throws {
        // Given slides A…D arranged D, B (hidden), A, C
        let t = try await TestDatabase()
        var ids: [String] = []
        for title in ["A", "B", "C", "D"] {
            var change = Landing.SlideChange()
            change.texts["title"] = title
            let slide = try t.admin(.landingAddSwiperslide) { admin, db in try t.services.landing.createSlide(db, admin: admin, change) }
            ids.append(try #require(slide["slide"]?["id"]?.stringValue))
        }
        let placements = [Landing.Placement(slideId: ids[3], isShow: true), Landing.Placement(slideId: ids[1], isShow: false),
                          Landing.Placement(slideId: ids[0], isShow: true), Landing.Placement(slideId: ids[2], isShow: true)]
        _ = try t.admin(.landingChangeSwiper) { admin, db in try t.services.landing.arrange(db, admin: admin, placements) }
        // Then the public list walks the shown ones in swiper order
        let titles = try Self.walk({ page in try t.write { db in try t.services.landing.list(db, page: page) } }) { $0["title"]?.stringValue }
        #expect(titles == ["D", "A", "C"])
    }
}
