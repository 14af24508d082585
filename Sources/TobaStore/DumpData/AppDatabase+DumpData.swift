import Foundation

extension AppDatabase {
    /// Loads a `manage.py dumpdata` export read by `reader`, all-or-nothing (see ``DumpImport``).
    package func importDump(
        _ reader: inout DumpArrayReader, progress: (Int64) -> Void = { _ in }
    ) throws -> DumpImportSummary {
        guard let writer = sqliteWriter else { throw DumpDataError.postgreSQLNotSupported }
        return try DumpImport.run(writer, reader: &reader, progress: progress)
    }

    /// Writes the database in `manage.py dumpdata --indent 2` form (see ``DumpExport``).
    package func exportDump(write: ([UInt8]) throws -> Void) throws -> DumpExport.Summary {
        guard let writer = sqliteWriter else { throw DumpDataError.postgreSQLNotSupported }
        return try DumpExport.run(writer, write: write)
    }
}

extension DumpArrayReader {
    /// Reads `handle` in pieces of 64 KiB until its end.
    package init(handle: FileHandle) {
        self.init { try handle.read(upToCount: 1 << 16).map(Array.init) ?? [] }
    }
}
