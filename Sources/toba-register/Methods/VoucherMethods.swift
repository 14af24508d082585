import TobaDomain
import TobaRPC
import TobaStore

/// §8.8 Vouchers.
enum VoucherMethods {
    static func all(_ services: Services) -> [Method<any SQLConnection>] {
        let sessions = services.sessions
        let vouchers = services.vouchers
        return [
            Bind.admin("voucher.create", sessions, permission: .vouchersAddInvitation, decode: { p in
                Vouchers.Input(
                    code: try p.required("code"), name: try p.required("name"),
                    validFrom: try p.timestamp("validFrom"), validTo: try p.timestamp("validTo"),
                    bound: try p.required("bound"), usage: try p.required("usage"),
                    userId: try p.optional("userId", as: Int64.self).map(Patch.value) ?? .absent,
                    isActive: try p.optional("isActive"))
            }) { input, admin, db in try vouchers.create(db, admin: admin, input) },
            Bind.admin("voucher.update", sessions, permission: .vouchersChangeInvitation, decode: { p in
                (id: try p.required("voucherId", as: Int64.self),
                 input: Vouchers.Input(
                    code: try p.optional("code"), name: try p.optional("name"),
                    validFrom: try p.optionalTimestamp("validFrom"), validTo: try p.optionalTimestamp("validTo"),
                    bound: try p.optional("bound"), usage: try p.optional("usage"),
                    userId: try p.patch("userId"), isActive: try p.optional("isActive")))
            }) { input, admin, db in try vouchers.update(db, admin: admin, voucherId: input.id, input.input) },
            Bind.admin("voucher.list", sessions, permission: .vouchersViewInvitation, decode: { p in
                (isActive: try p.optional("isActive", as: Bool.self), page: try p.page())
            }) { input, _, db in try vouchers.list(db, isActive: input.isActive, page: input.page) },
            Bind.admin("voucher.claims", sessions, permission: .vouchersViewInvitationclaimed, decode: { p in
                (id: try p.required("voucherId", as: Int64.self), page: try p.page())
            }) { input, _, db in try vouchers.claims(db, voucherId: input.id, page: input.page) },
            Bind.open("voucher.get", decode: { p in try p.required("code", as: String.self) }, footprint: { _ in Footprint.nothing.readingOnly }) { code, db in
                try vouchers.publicInfo(db, code: code)
            },
            Bind.authed("voucher.claim", sessions, decode: { p in
                (code: try p.required("code", as: String.self), productId: try p.optional("productId", as: Int64.self))
            }) { input, user, db in
                try vouchers.claim(db, user: user, code: input.code, productId: input.productId)
            },
        ]
    }
}
