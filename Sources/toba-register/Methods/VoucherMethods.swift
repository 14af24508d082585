import GRDB
import TobaDomain
import TobaRPC

enum VoucherMethods {
    static func all(_ services: Services) -> [Method<Database>] {
        []
    }
}
