import TobaDomain
import TobaRPC
import TobaStore

/// §8.4 Permissions and admin.
enum AdminMethods {
    static func all(_ services: Services) -> [Method<any SQLConnection>] {
        let sessions = services.sessions
        let admin = services.admin
        return [
            Bind.authed("auth.hasPerm", sessions, decode: { p in try p.required("permission", as: String.self) }) { permission, user, db in
                try admin.hasPerm(db, user: user, permission: permission)
            },
            Bind.admin("admin.user.list", sessions, permission: .usersViewUser, decode: { p in
                (filter: Admin.UserFilter(
                    query: try p.optional("query"), isActive: try p.optional("isActive"),
                    isStaff: try p.optional("isStaff"), groupId: try p.optional("groupId")),
                 page: try p.page())
            }) { input, _, db in
                try admin.listUsers(db, filter: input.filter, page: input.page)
            },
            Bind.admin("admin.user.get", sessions, permission: .usersViewUser, decode: { p in
                try p.required("userId", as: Int64.self)
            }) { userId, _, db in
                try admin.getUser(db, userId: userId)
            },
            Bind.admin("admin.user.update", sessions, permission: .usersChangeUser, decode: { p in
                (userId: try p.required("userId", as: Int64.self),
                 change: Admin.UserChange(
                    isActive: try p.optional("isActive"), isStaff: try p.optional("isStaff"),
                    isSuperuser: try p.optional("isSuperuser"), groupIds: try p.optional("groupIds"),
                    permissionIds: try p.optional("permissionIds")))
            }) { input, user, db in
                try admin.updateUser(db, admin: user, userId: input.userId, change: input.change)
            },
            Bind.admin("group.list", sessions, permission: .authViewGroup, decode: { p in try p.page() }) { page, _, db in
                try admin.listGroups(db, page: page)
            },
            Bind.admin("group.create", sessions, permission: .authAddGroup, decode: { p in
                (name: try p.required("name", as: String.self), permissionIds: try p.optional("permissionIds", as: [Int64].self))
            }) { input, user, db in
                try admin.createGroup(db, admin: user, name: input.name, permissionIds: input.permissionIds)
            },
            Bind.admin("group.update", sessions, permission: .authChangeGroup, decode: { p in
                (groupId: try p.required("groupId", as: Int64.self), name: try p.optional("name", as: String.self),
                 permissionIds: try p.optional("permissionIds", as: [Int64].self))
            }) { input, user, db in
                try admin.updateGroup(db, admin: user, groupId: input.groupId, name: input.name, permissionIds: input.permissionIds)
            },
            Bind.admin("permission.list", sessions, permission: .authViewPermission, decode: { p in
                (appLabel: try p.optional("appLabel", as: String.self), page: try p.page())
            }) { input, _, db in
                try admin.listPermissions(db, appLabel: input.appLabel, page: input.page)
            },
            Bind.admin("admin.log.list", sessions, permission: .adminViewLogentry, decode: { p in
                (userId: try p.optional("userId", as: Int64.self), page: try p.page())
            }) { input, _, db in
                try admin.listLog(db, userId: input.userId, page: input.page)
            },
            Bind.admin("site.list", sessions, permission: .sitesViewSite, decode: { p in try p.page() }) { page, _, db in
                try admin.listSites(db, page: page)
            },
            Bind.admin("site.create", sessions, permission: .sitesAddSite, decode: { p in
                (domain: try p.required("domain", as: String.self), name: try p.required("name", as: String.self))
            }) { input, user, db in
                try admin.createSite(db, admin: user, domain: input.domain, name: input.name)
            },
            Bind.admin("site.update", sessions, permission: .sitesChangeSite, decode: { p in
                (siteId: try p.required("siteId", as: Int64.self), domain: try p.optional("domain", as: String.self),
                 name: try p.optional("name", as: String.self))
            }) { input, user, db in
                try admin.updateSite(db, admin: user, siteId: input.siteId, domain: input.domain, name: input.name)
            },
        ]
    }
}
