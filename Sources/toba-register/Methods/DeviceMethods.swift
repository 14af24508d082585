import GRDB
import TobaDomain
import TobaRPC

enum DeviceMethods {
    static func all(_ services: Services) -> [Method<Database>] {
        []
    }
}
