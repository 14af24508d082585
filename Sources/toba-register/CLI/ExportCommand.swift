import ArgumentParser
import Foundation
import TobaDomain
import TobaStore

/// `toba-register export --db PATH [FILE]`: writes the database as `manage.py dumpdata --indent 2`
/// writes these apps (PROTOCOL.md §10), to FILE or stdout; `import` reads it back unchanged.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the database as a Django `manage.py dumpdata` JSON export (stdout without FILE).",
        discussion: """
            The output holds secrets as stored (password hashes, social app secrets and tokens, session \
            data): keep it like the database itself. FILE is created with mode 0600 and replaced only \
            once the export is complete.
            """)

    @OptionGroup var options: CommonOptions

    @Argument(help: "Where to write the export (default: stdout).")
    var file: String?

    func run() async throws {
        try options.refusePostgreSQL(command: "export")
        let settings = try options.loadSettings()
        let path = options.databasePath
        guard path == ":memory:" || FileManager.default.fileExists(atPath: path) else {
            throw StartupFailure("there is no database at \(path)")
        }
        let database: AppDatabase
        do {
            database = try AppDatabase.open(path: path, durability: settings.durability)
        } catch {
            throw StartupFailure("cannot open the database \(path): \(error)")
        }
        defer { try? database.close() }
        let summary: DumpExport.Summary
        if let file {
            summary = try Self.exportAtomically(database, to: file)
        } else {
            do {
                summary = try database.exportDump { bytes in try FileHandle.standardOutput.write(contentsOf: bytes) }
            } catch {
                throw StartupFailure("export failed: \(error)")
            }
        }
        let objects = summary.reduce(0) { $0 + $1.rows }
        var text = "exported \(objects) objects\(file.map { " to \($0)" } ?? "")\n"
        let width = summary.map(\.model.count).max() ?? 0
        for (model, rows) in summary {
            text += "  " + model.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(rows)\n"
        }
        DumpCommand.writeError(text)
    }

    /// Writes next to `file` with mode 0600, then renames: a failed export leaves no half file.
    private static func exportAtomically(_ database: AppDatabase, to file: String) throws -> DumpExport.Summary {
        let partial = file + ".partial-\(getpid())"
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw StartupFailure("cannot write \(partial): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            let summary = try database.exportDump { bytes in try handle.write(contentsOf: bytes) }
            try handle.synchronize()
            try handle.close()
            guard rename(partial, file) == 0 else {
                throw StartupFailure("cannot rename \(partial) to \(file): \(String(cString: strerror(errno)))")
            }
            return summary
        } catch {
            try? handle.close()
            unlink(partial)
            throw error as? StartupFailure ?? StartupFailure("export failed: \(error)")
        }
    }
}
