import Testing
import TobaRPC
import TobaStore
import TobaTestSupport
@testable import TobaDomain

/// §8.2 what a user sees of themselves (`user.me`), the profile they change, and the
/// categories an admin makes and anyone lists.
@Suite struct ProfileTests {
    func updateProfile(_ t: TestDatabase, _ caller: TestDatabase.Caller, firstName: String? = nil, lastName: String? = nil,
                       phone: String? = nil, photo: String? = nil, categoryId: Patch<Int64> = .absent,
                       extraData: Patch<JSONValue> = .absent) throws -> JSONValue {
        let change = Accounts.ProfileChange(firstName: firstName, lastName: lastName, phone: phone, photo: photo,
                                            categoryId: categoryId, extraData: extraData)
        return try t.call(as: caller) { user, db in try t.services.accounts.updateProfile(db, user: user, change: change) }
    }

    func createCategory(_ t: TestDatabase, _ name: String, as caller: TestDatabase.Caller? = nil) throws -> JSONValue {
        try t.admin(.usersAddCategory, as: caller) { admin, db in try t.services.accounts.createCategory(db, admin: admin, name: name) }
    }

    @Test func userMeHasItsDocumentedShapeAndNoSecrets() async throws {
        // Given a user registered with names and a phone, logged in
        let t = try await TestDatabase()
        let registered = try t.register("shape@example.com", firstName: "Ana", lastName: "Lee", phone: "0812")
        let me = try t.me(try t.login("shape@example.com"))
        // Then `user.me` holds exactly its six parts, and neither the hash nor a confirmation key
        #expect(Set(me.objectValue?.keys ?? []) == ["user", "profile", "emails", "groups", "permissions", "subscriptions"])
        #expect(me["user"]?["id"] == registered["user"]?["id"])
        #expect(me["user"]?["firstName"] == "Ana")
        #expect(me["user"]?["lastName"] == "Lee")
        #expect(me["user"]?["lastLogin"] == .string(TestDatabase.start.rfc3339))
        #expect(me["user"]?["password"] == nil)
        #expect(me["profile"]?["phone"] == "0812")
        #expect(me["profile"]?["categoryId"] == .null)
        #expect(me["permissions"] == [])
        #expect(me["subscriptions"] == [])
        #expect(me["emails"]?.arrayValue?.allSatisfy { $0["key"] == nil } == true)
    }

    @Test func updateProfileChangesOnlyWhatIsGivenAndNullClears() async throws {
        // Given a category and a user
        let t = try await TestDatabase()
        let category = try t.id(try createCategory(t, "UMKM")["category"])
        let user = try t.user("profile@example.com")
        // When every field is set
        let set = try updateProfile(t, user, firstName: "Ana", phone: "0812", photo: "photos/ana.png", categoryId: .value(category),
                                    extraData: .value(["theme": "dark", "n": 1]))
        // Then each is stored
        #expect(set["user"]?["firstName"] == "Ana")
        #expect(set["profile"]?["phone"] == "0812")
        #expect(set["profile"]?["photo"] == "photos/ana.png")
        #expect(set["profile"]?["categoryId"] == .number(JSONNumber(category)))
        #expect(keysSorted(set["profile"]?["extraData"]) == ["n": 1, "theme": "dark"])
        // When only the last name is given
        let untouched = try updateProfile(t, user, lastName: "Lee")
        // Then the rest stays
        #expect(untouched["user"]?["firstName"] == "Ana")
        #expect(untouched["user"]?["lastName"] == "Lee")
        #expect(untouched["profile"]?["phone"] == "0812")
        #expect(untouched["profile"]?["categoryId"] == .number(JSONNumber(category)))
        #expect(keysSorted(untouched["profile"]?["extraData"]) == ["n": 1, "theme": "dark"])
        // When extra data, then the category, are set to null
        let cleared = try updateProfile(t, user, extraData: .null)
        let noCategory = try updateProfile(t, user, categoryId: .null)
        // Then each is cleared alone
        #expect(cleared["profile"]?["extraData"] == .null)
        #expect(cleared["profile"]?["categoryId"] == .number(JSONNumber(category)))
        #expect(noCategory["profile"]?["categoryId"] == .null)
        #expect(noCategory["user"]?["firstName"] == "Ana")
        // And an unknown category or a first name over 150 characters are refused and change nothing
        #expect(#expect(throws: DomainError.self) { try updateProfile(t, user, categoryId: .value(999_999)) }?.kind == .notFound)
        let long = #expect(throws: DomainError.self) { try updateProfile(t, user, firstName: String(repeating: "x", count: 151)) }
        #expect(long == DomainError(.valueTooLong, field: "firstName"))
        let me = try t.me(user)
        #expect(me["user"]?["firstName"] == "Ana")
        #expect(me["profile"]?["categoryId"] == .null)
    }

    @Test func categoriesAreCreatedByAdminsAndListedByAnyone() async throws {
        // Given two categories, one named with spaces around it
        let t = try await TestDatabase()
        let umkm = try createCategory(t, " UMKM ")["category"]
        _ = try createCategory(t, "Retail")
        // Then the name is stripped
        #expect(umkm?["name"] == "UMKM")
        #expect(umkm?["id"]?.int64Value != nil)
        // And a blank name, one over 225 characters, or a plain user are refused
        #expect(#expect(throws: DomainError.self) { try createCategory(t, "   ") } == DomainError(.valueRequired, field: "name"))
        #expect(#expect(throws: DomainError.self) { try createCategory(t, String(repeating: "n", count: 226)) }?.reason == .valueTooLong)
        let plain = try t.user("plain@example.com")
        #expect(#expect(throws: DomainError.self) { try createCategory(t, "Mine", as: plain) } == .permissionDenied("users.add_category"))
        // And anyone lists them, a page at a time
        func list(limit: Int? = nil, cursor: String? = nil) throws -> JSONValue {
            try t.write { db in try t.services.accounts.listCategories(db, page: try PageRequest(limit: limit, cursor: cursor)) }
        }
        let page1 = try list(limit: 1)
        #expect(page1["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["UMKM"])
        let page2 = try list(limit: 1, cursor: try #require(page1["nextCursor"]?.stringValue))
        #expect(page2["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Retail"])
        #expect(page2["nextCursor"] == .null)
        #expect(try list()["items"]?.arrayValue?.count == 2)
    }
}
