import ArgumentParser
import Foundation
import TobaStore

/// `toba-register import --db PATH FILE`: loads a Django `manage.py dumpdata` export of these apps
/// (PROTOCOL.md §10) in one transaction, then reports the rows per table on stderr.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a Django `manage.py dumpdata` JSON export of these apps, all-or-nothing.",
        discussion: """
            Every table the file holds ends up holding exactly the file's rows (its former rows are \
            replaced); other tables keep theirs. Seeded rows (content types, permissions, groups, sites) \
            are matched by natural key. Counts per table go to stderr; a failed import changes nothing \
            and exits 1.
            """)

    @OptionGroup var options: CommonOptions

    @Argument(help: "The dumpdata JSON file (- reads stdin).")
    var file: String

    func run() async throws {
        let logger = try options.makeLogger()
        let settings = try options.loadSettings()
        let handle: FileHandle
        if file == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: file) else { throw StartupFailure("cannot read \(file)") }
            handle = opened
        }
        let size = file == "-" ? 0 : ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0)
        let database = try options.openDatabase(settings, logger: logger)
        defer { try? database.close() }
        let progress = ProgressLine(label: "importing", total: size)
        var reader = DumpArrayReader(handle: handle)
        let summary: DumpImportSummary
        do {
            summary = try database.importDump(&reader, progress: progress.update)
            progress.finish(complete: true)
        } catch {
            progress.finish(complete: false)
            throw StartupFailure("import of \(file) failed, nothing was changed: \(error)")
        }
        DumpCommand.writeError(Self.report(summary, file: file == "-" ? "stdin" : file))
    }

    /// `imported 42 objects from dump.json` and one line per table (`  users_user  12`).
    static func report(_ summary: DumpImportSummary, file: String) -> String {
        let width = summary.rowsByTable.map(\.table.count).max() ?? 0
        var text = "imported \(summary.objects) objects from \(file)\n"
        for (table, rows) in summary.rowsByTable {
            text += "  " + table.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(rows)\n"
        }
        for warning in summary.warnings { text += "warning: \(warning)\n" }
        return text
    }
}
