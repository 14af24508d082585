import GRDB
import TobaDomain
import TobaRPC

enum CommerceMethods {
    static func all(_ services: Services) -> [Method<Database>] {
        []
    }
}
