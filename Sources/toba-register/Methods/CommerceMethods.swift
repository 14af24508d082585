import TobaDomain
import TobaRPC
import TobaStore

/// §8.5 Store and plans, §8.6 Subscriptions, §8.7 Payments.
enum CommerceMethods {
    static func all(_ services: Services) -> [Method<any SQLConnection>] {
        let (store, subscriptions, payments) = (services.store, services.subscriptions, services.payments)
        return storeMethods(store, services.sessions) + subscriptionMethods(subscriptions, services.sessions)
            + paymentMethods(payments, services.sessions)
    }

    static func storeMethods(_ store: Store, _ sessions: Sessions) -> [Method<any SQLConnection>] {
        [
            publicList("product.list", sessions, permission: .storeViewProduct, decode: { _ in () }) { _, all, page, db in
                try store.listProducts(db, includeInactive: all, page: page)
            },
            Bind.admin("product.create", sessions, permission: .storeAddProduct, decode: { p in
                try productInput(&p, requireName: true)
            }) { input, admin, db in try store.createProduct(db, admin: admin, input) },
            Bind.admin("product.update", sessions, permission: .storeChangeProduct, decode: { p in
                (id: try p.required("productId", as: Int64.self), input: try productInput(&p, requireName: false))
            }) { input, admin, db in try store.updateProduct(db, admin: admin, productId: input.id, input.input) },
            publicList("plan.list", sessions, permission: .subscriptionsViewPlan, decode: { p in
                try p.optional("productId", as: Int64.self)
            }) { productId, all, page, db in
                try store.listPlans(db, productId: productId, includeInactive: all, page: page)
            },
            Bind.admin("plan.create", sessions, permission: .subscriptionsAddPlan, decode: { p in
                Store.PlanInput(
                    productId: try p.required("productId"), name: try p.required("name"), description: try p.optional("description"),
                    price: try p.required("price"), periodDays: try p.required("periodDays"), extraData: try p.patch("extraData"))
            }) { input, admin, db in try store.createPlan(db, admin: admin, input) },
            Bind.admin("plan.update", sessions, permission: .subscriptionsChangePlan, decode: { p in
                (id: try p.required("planId", as: Int64.self),
                 input: Store.PlanInput(
                    productId: try p.optional("productId"), name: try p.optional("name"), description: try p.optional("description"),
                    price: try p.optional("price"), periodDays: try p.optional("periodDays"), extraData: try p.patch("extraData")))
            }) { input, admin, db in try store.updatePlan(db, admin: admin, planId: input.id, input.input) },
        ]
    }

    static func subscriptionMethods(_ subscriptions: Subscriptions, _ sessions: Sessions) -> [Method<any SQLConnection>] {
        [
            Bind.authed("subscription.get", sessions, decode: { p in try p.optional("productId", as: Int64.self) }) { productId, user, db in
                try subscriptions.mine(db, user: user, productId: productId)
            },
            Bind.admin("subscription.renew", sessions, permission: .subscriptionsChangeSubscription, decode: { p in
                (userId: try p.required("userId", as: Int64.self), planId: try p.required("planId", as: Int64.self),
                 pricePaid: try p.optional("pricePaid", as: Int64.self), key: try p.optional("idempotencyKey", as: String.self))
            }) { input, admin, db in
                try subscriptions.renew(db, admin: admin, userId: input.userId, planId: input.planId,
                                        pricePaid: input.pricePaid, idempotencyKey: input.key)
            },
            Bind.authed("subscription.cancel", sessions, decode: { p in try p.required("productId", as: Int64.self) }) { productId, user, db in
                try subscriptions.cancel(db, user: user, productId: productId)
            },
            Bind.authed("subscription.history", sessions, decode: { p in
                (userId: try p.optional("userId", as: Int64.self), page: try p.page())
            }) { input, user, db in
                try subscriptions.history(db, user: user, userId: input.userId, page: input.page)
            },
        ]
    }

    static func paymentMethods(_ payments: Payments, _ sessions: Sessions) -> [Method<any SQLConnection>] {
        [
            Bind.authed("payment.create", sessions, decode: { p in
                (planId: try p.required("planId", as: Int64.self), key: try p.optional("idempotencyKey", as: String.self))
            }) { input, user, db in
                try payments.create(db, user: user, planId: input.planId, idempotencyKey: input.key)
            },
            Method("payment.notify", decode: { p in try notification(&p) }) { (notification: MidtransNotification) in
                try payments.verify(notification)
                return .ordered { db in .value(try payments.notify(db, notification)) }
            },
            Bind.authed("payment.list", sessions, decode: { p in
                (userId: try p.optional("userId", as: Int64.self), page: try p.page())
            }) { input, user, db in
                try payments.list(db, user: user, userId: input.userId, page: input.page)
            },
            Bind.authed("payment.get", sessions, decode: { p in try p.required("paymentId", as: String.self) }) { id, user, db in
                try payments.get(db, user: user, paymentId: id)
            },
            Bind.admin("payment.delete", sessions, permission: .paymentsDeleteProduct, decode: { p in
                try p.required("paymentId", as: String.self)
            }) { id, admin, db in try payments.delete(db, admin: admin, paymentId: id) },
        ]
    }

    /// A public list that an admin may widen: `includeInactive: true` needs `token` of an admin
    /// holding `permission` (Forbidden otherwise; no token: `invalid_token`). A token given is always checked.
    static func publicList<Input: Sendable>(
        _ name: String, _ sessions: Sessions, permission: Permission,
        decode: @escaping @Sendable (inout Params) throws -> Input,
        apply: @escaping @Sendable (Input, Bool, PageRequest, any SQLConnection) throws -> JSONValue
    ) -> Method<any SQLConnection> {
        Method(name, decode: { p in
            let all = try p.optional("includeInactive", as: Bool.self) ?? false
            let token: String? = all ? try p.sessionToken() : try p.optional("token")
            return (token: token, all: all, page: try p.page(), input: try decode(&p))
        }, prepareNow: { call in
            let claims = try call.token.map { try sessions.tokens.verify($0) }
            // Without a token it reads what only admin methods change; with one it also
            // authenticates (and applies the caller's subscription expiry).
            let footprint = claims.map { Footprint.keys(Footprints.user($0.uid)) } ?? Footprint.nothing.readingOnly
            return (footprint, .ordered { [claims] db in
                if let claims {
                    let user = try sessions.authenticate(claims, db)
                    if call.all { try PermissionChecker.requireAdmin(db, user, permission) }
                }
                return .value(try apply(call.input, call.all, call.page, db))
            })
        })
    }

    /// The gateway's body; a missing or mistyped signed field is named like `notification.order_id`.
    static func notification(_ p: inout Params) throws -> MidtransNotification {
        let body: JSONObject = try p.required("notification")
        do {
            return try MidtransNotification(body: body)
        } catch {
            let reason: RPCError.Reason = switch error.problem {
            case .missing: .missing
            case .notTextOrNumber: .type
            }
            throw RPCError.invalidParams(reason, field: "notification.\(error.field)")
        }
    }

    static func productInput(_ p: inout Params, requireName: Bool) throws -> Store.ProductInput {
        Store.ProductInput(
            name: requireName ? try p.required("name") : try p.optional("name"), description: try p.optional("description"),
            appLink: try p.optional("appLink"), extraData: try p.patch("extraData"), landingLink: try p.optional("landingLink"),
            isActive: try p.optional("isActive"), nickname: try p.optional("nickname"))
    }
}
