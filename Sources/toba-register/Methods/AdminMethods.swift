import GRDB
import TobaDomain
import TobaRPC

enum AdminMethods {
    static func all(_ services: Services) -> [Method<Database>] {
        []
    }
}
