import ArgumentParser
import Logging
import TobaStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or upgrade the schema, then exit.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let logger = try options.makeLogger()
        let settings = try options.loadSettings()
        let database = try options.openDatabase(settings, logger: logger)
        do {
            let version = try database.schemaVersion()
            logger.info("schema up to date", metadata: ["path": "\(options.shownDatabase)", "schemaVersion": "\(version)"])
            try database.close()
        } catch {
            throw StartupFailure("cannot read the database \(options.shownDatabase): \(error)")
        }
    }
}
