import GRDB
@testable import TobaStore

extension DumpImport {
    /// Imports `text` (a whole dump held in memory) into `queue`, as the command does with a file.
    static func importing(_ text: String, into queue: DatabaseQueue) throws -> DumpImportSummary {
        var bytes = Array(text.utf8)
        var reader = DumpArrayReader {
            defer { bytes = [] }
            return bytes
        }
        return try run(queue, reader: &reader)
    }
}
