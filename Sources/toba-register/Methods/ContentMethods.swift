import GRDB
import TobaDomain
import TobaRPC

enum ContentMethods {
    static func all(_ services: Services) -> [Method<Database>] {
        []
    }
}
