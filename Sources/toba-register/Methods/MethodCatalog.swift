import TobaDomain
import TobaRPC
import TobaStore

/// The method table: every JSON-RPC method of PROTOCOL.md §8 bound to its domain.
enum MethodCatalog {
    static func table(services: Services, shutdown: ShutdownSwitch, allowTestClock: Bool) -> MethodTable<any SQLConnection> {
        var table = MethodTable<any SQLConnection>()
        table.register(SystemMethods.all(services: services, shutdown: shutdown, allowTestClock: allowTestClock))
        table.register(AccountMethods.all(services))
        table.register(SessionMethods.all(services))
        table.register(AdminMethods.all(services))
        table.register(CommerceMethods.all(services))
        table.register(VoucherMethods.all(services))
        table.register(DeviceMethods.all(services))
        table.register(SocialMethods.all(services))
        table.register(ContentMethods.all(services))
        return table
    }
}
