import ArgumentParser
import Foundation
import Logging
import TobaDomain
import TobaStore

struct CreateSuperuserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "createsuperuser",
        abstract: "Create an active superuser; the password is read from stdin (one line).")

    @OptionGroup var options: CommonOptions

    @Option(name: .long, help: "The superuser's email address.")
    var email: String

    func run() async throws {
        let logger = try options.makeLogger()
        let settings = try options.loadSettings()
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("no password on stdin (one line expected)")
        }
        let password = line.hasSuffix("\r") ? String(line.dropLast()) : line
        // Checked before the database opens: a PostgreSQL fleet must name its shared key file.
        let secretKeyPath = try options.secretKeyPath()
        let database = try options.openDatabase(settings, logger: logger)
        let secretKey = try secretKeyPath.map(SecretKey.loadOrCreate(path:)) ?? SecretKey.generate()
        let services = await Services(database: database, settings: settings, clock: ServiceClock(), secretKey: secretKey, logger: logger)
        do {
            let id = try services.accounts.createSuperuser(email: email, password: password)
            logger.info("superuser created", metadata: ["userId": "\(id)"])
            FileHandle.standardOutput.write(Data("{\"userId\":\(id)}\n".utf8))
        } catch let error as DomainError {
            throw StartupFailure("cannot create the superuser: \(error.reason)")
        }
        try database.close()
    }
}
