/// A start-up failure that is not a usage mistake (unreadable database or settings, bad key file):
/// reported on stderr without the usage text, exit code 1.
struct StartupFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
