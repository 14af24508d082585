import TobaStore

extension BuiltinGroup {
    /// The group's id. - Throws: Not found (`group paid`) when the group is gone (an import
    /// without it: `import` warns).
    func id(_ db: any SQLConnection) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM auth_group WHERE name = ?", arguments: [self]) else {
            throw DomainError.notFound("group \(rawValue)")
        }
        return id
    }
}
