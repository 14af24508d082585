import GRDB
import TobaDomain
import TobaRPC

enum SocialMethods {
    static func all(_ services: Services) -> [Method<Database>] {
        []
    }
}
