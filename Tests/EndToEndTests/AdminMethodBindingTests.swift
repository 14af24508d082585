import Foundation
import Testing
import TobaRPC

/// The method table binds each admin method to the permission `protocol/openrpc.json` names for
/// it ("Admin `app.codename`: …") and decodes its parameters; the rule itself (active staff
/// holding it, `has_perm`) is tested in-process (`AdminRuleTests`). Methods are read from the
/// document, so a new admin method is covered once it is documented.
@Suite struct AdminMethodBindingTests {
    /// Every documented admin method and the permission its description names.
    static func adminMethods() throws -> [(method: FuzzMethod, permission: String)] {
        let descriptions = try #require(try OpenRPCTests.document()["methods"]?.arrayValue)
        var permissions: [String: String] = [:]
        for method in descriptions {
            guard let name = method["name"]?.stringValue, let text = method["description"]?.stringValue,
                  let match = text.prefixMatch(of: /Admin `([a-z_]+\.[a-z_]+)`/) else { continue }
            permissions[name] = String(match.output.1)
        }
        return try FuzzSchema.load().compactMap { method in permissions[method.name].map { (method, $0) } }
    }

    @Test func everyAdminMethodRefusesAUserWithoutItsDocumentedPermission() throws {
        // Given a world with one of every object and a plain user
        let methods = try Self.adminMethods()
        #expect(methods.count >= 25, "the description pattern still finds the admin methods")
        let world = try FuzzWorld()
        var rng = SeededGenerator(seed: 0xAD_3141)
        var refused: [String] = []
        for (method, permission) in methods {
            // When the user calls the method with valid params
            var plan = FuzzPlan(method: method, world: world)
            var params = plan.validParams(optional: 0, token: .user, &rng)
            // (the fuzzer's "valid" instants include some no RFC 3339 parser takes)
            for param in method.params where param.schema["format"] == "date-time" && params[param.name] != nil {
                params[param.name] = param.name.hasSuffix("To") || param.name.hasSuffix("End") ? "2027-01-01T00:00:00Z" : "2026-01-01T00:00:00Z"
            }
            let answer = try world.sidecar.call(method.name, .object(params))
            // Then the answer is Forbidden naming the documented permission
            #expect(answer.errorCode == 1002, "\(method.name): \(JSONWriter.string(answer))")
            #expect(answer["error"]?["data"]?["permission"] == .string(permission), "\(method.name)")
            if answer.errorCode == 1002 { refused.append(method.name) }
        }
        #expect(refused.count == methods.count)
        #expect(try world.sidecar.finish() == 0)
    }

    @Test func aStaffUserHoldingThePermissionPassesTheRuleAndNoOther() throws {
        // Given a staff user holding only `store.change_product`
        let shop = try Shop()
        let product = try shop.product()
        let editor = try shop.staff("editor@example.com", permissions: ["store.change_product"])
        // Then that method is theirs, another one is not
        #expect(try shop.sidecar.result("product.update", ["token": editor, "productId": product, "name": "Renamed"])["product"]?["name"] == "Renamed")
        let denied = try shop.sidecar.error("product.create", ["token": editor, "name": "X"])
        #expect(denied["code"] == 1002)
        #expect(denied["data"]?["reason"] == "permission_denied")
        #expect(denied["data"]?["permission"] == "store.add_product")
        #expect(try shop.sidecar.finish() == 0)
    }

    /// `product.list` and `plan.list` are public; `includeInactive` needs a token of an admin
    /// holding the view permission, and a token given is always checked.
    @Test func publicListsWidenOnlyForAnAdmin() throws {
        let shop = try Shop()
        let active = try shop.product("Active")
        let retired = try shop.product("Retired", active: false)
        _ = try shop.plan(active)
        _ = try shop.plan(retired)
        let (_, user) = try shop.user("ana@example.com")

        #expect(try shop.sidecar.result("product.list", [:])["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Active"])
        let noToken = try shop.sidecar.error("product.list", ["includeInactive": true])
        #expect(noToken["code"] == 1001)
        #expect(noToken["data"]?["reason"] == "invalid_token")
        #expect(try shop.sidecar.error("product.list", ["includeInactive": true, "token": user])["data"]?["permission"] == "store.view_product")
        #expect(try shop.sidecar.error("product.list", ["token": "garbage"])["code"] == 1001)
        #expect(try shop.sidecar.result("product.list", ["includeInactive": true, "token": shop.admin])["items"]?.arrayValue?.count == 2)
        #expect(try shop.sidecar.error("plan.list", ["includeInactive": true, "token": user])["data"]?["permission"] == "subscriptions.view_plan")
        #expect(try shop.sidecar.result("plan.list", ["productId": retired, "includeInactive": true, "token": shop.admin])["items"]?.arrayValue?.count == 1)
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func unknownAndMissingParametersAreInvalidParams() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let unknown = try sidecar.error("group.list", ["token": root, "colour": "red"])
        #expect(unknown["code"] == -32602)
        #expect(unknown["data"]?["reason"] == "unknown")
        #expect(unknown["data"]?["field"] == "colour")
        let missing = try sidecar.error("admin.user.get", ["token": root])
        #expect(missing["code"] == -32602)
        #expect(missing["data"]?["reason"] == "missing")
        #expect(missing["data"]?["field"] == "userId")
        // §7: a missing token is Unauthenticated; a token of the wrong type is still Invalid params.
        let noToken = try sidecar.error("admin.user.list", [:])
        #expect(noToken["code"] == 1001)
        #expect(noToken["data"]?["reason"] == "invalid_token")
        let numberToken = try sidecar.error("admin.user.list", ["token": 42])
        #expect(numberToken["code"] == -32602)
        #expect(numberToken["data"]?["field"] == "token")
        let wrongType = try sidecar.error("admin.user.update", ["token": root, "userId": 1, "groupIds": ["admin"]])
        #expect(wrongType["data"]?["reason"] == "type")
        #expect(wrongType["data"]?["field"] == "groupIds")
        #expect(try sidecar.finish() == 0)
    }
}
