package import TobaRPC
package import TobaStore

extension SocialAccounts {
    package struct NewApp: Sendable {
        package var provider: String
        package var name: String
        package var clientId: String
        package var secret: String
        package var key: String?
        package var siteIds: [Int64]?

        package init(provider: String, name: String, clientId: String, secret: String, key: String? = nil, siteIds: [Int64]? = nil) {
            self.provider = provider
            self.name = name
            self.clientId = clientId
            self.secret = secret
            self.key = key
            self.siteIds = siteIds
        }
    }

    /// `socialapp.create` (admin `socialaccount.add_socialapp`) → `{socialApp}`: the app on the
    /// sites given (default site 1; repeated ids count once). The secret is stored, never shown.
    package func createApp(_ db: any SQLConnection, admin: AuthUser, _ app: NewApp) throws -> JSONValue {
        try Validate.nonBlank(app.provider, field: "provider")
        try Validate.length(app.provider, max: 30, field: "provider")
        try Validate.nonBlank(app.name, field: "name")
        try Validate.length(app.name, max: 40, field: "name")
        try Validate.nonBlank(app.clientId, field: "clientId")
        try Validate.length(app.clientId, max: 191, field: "clientId")
        try Validate.length(app.secret, max: 191, field: "secret")
        try Validate.length(app.key, max: 191, field: "key")
        var siteIds: [Int64] = []
        for id in app.siteIds ?? [1] where !siteIds.contains(id) {
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM django_site WHERE id = ?", arguments: [id]) == true else {
                throw DomainError.notFound("site")
            }
            siteIds.append(id)
        }
        try db.execute(sql: "INSERT INTO socialaccount_socialapp (provider, name, client_id, secret, key) VALUES (?, ?, ?, ?, ?)",
                       arguments: [app.provider, app.name, app.clientId, app.secret, app.key ?? ""])
        let appId = db.lastInsertedRowID
        for siteId in siteIds {
            try db.execute(sql: "INSERT INTO socialaccount_socialapp_sites (socialapp_id, site_id) VALUES (?, ?)", arguments: [appId, siteId])
        }
        try AdminLog.write(db, userId: admin.id, model: ("socialaccount", "socialapp"), objectId: String(appId), repr: app.name,
                           action: .addition, at: clock.now())
        let record = try RecordJSON.fetch(db, table: Table.socialaccountSocialapp, id: appId, orNotFound: "social app")
        return ["socialApp": try withSites(db, record)]
    }

    /// `socialapp.list` (admin `socialaccount.view_socialapp`) → a page of apps by id, each with its `siteIds`.
    package func listApps(_ db: any SQLConnection, page: PageRequest) throws -> JSONValue {
        try Page.fetch(db, table: Table.socialaccountSocialapp, page: page) { try withSites(db, $0) }
    }

    private func withSites(_ db: any SQLConnection, _ record: JSONValue) throws -> JSONValue {
        var object = record.objectValue ?? JSONObject()
        let ids = try Int64.fetchAll(db, sql: "SELECT site_id FROM socialaccount_socialapp_sites WHERE socialapp_id = ? ORDER BY site_id",
                                     arguments: [object["id"]?.int64Value])
        object["siteIds"] = .array(ids.map { .number(JSONNumber($0)) })
        return .object(object)
    }

    /// The app whose tokens a login of `provider` stores: the first by id, if any.
    func appId(_ db: any SQLConnection, provider: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM socialaccount_socialapp WHERE provider = ? ORDER BY id LIMIT 1", arguments: [provider])
    }
}
