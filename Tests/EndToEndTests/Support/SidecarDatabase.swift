import Crypto
import GRDB
func _probe() throws { _ = try DatabaseQueue(); _ = SHA256.hash(data: [1]) }
