import ArgumentParser
import Foundation

@main
struct TobaRegister: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "toba-register",
        abstract: "The identity and billing data of the Toba.ai Widya Analytics Store, served as JSON-RPC 2.0 over stdin/stdout.",
        version: version,
        subcommands: [ServeCommand.self, MigrateCommand.self, CreateSuperuserCommand.self, ImportCommand.self, ExportCommand.self,
                      TokenCommand.self],
        defaultSubcommand: ServeCommand.self
    )

    /// ArgumentParser exits 64 on a usage error; PROTOCOL.md §2 wants 1 for every startup failure.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { FileHandle.standardOutput.write(Data((message + "\n").utf8)) }
                Foundation.exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data(("toba-register: " + message + "\n").utf8)) }
            Foundation.exit(1)
        }
    }
}
