package import Foundation

extension AppDatabase {
    /// Loads a `manage.py dumpdata` export read by `reader`, all-or-nothing (see ``DumpImport``),
    /// on the writer's connection in one write transaction.
    package func importDump(
        _ reader: inout DumpArrayReader, progress: (Int64) -> Void = { _ in }
    ) throws -> DumpImportSummary {
        let dialect = dumpDialect
        return try withWriterConnection { db in
            try DumpImport.run(db, dialect: dialect, reader: &reader, progress: progress)
        }
    }

    /// Writes the database in `manage.py dumpdata --indent 2` form (see ``DumpExport``), read in
    /// one snapshot (SQLite: a read transaction; PostgreSQL: `REPEATABLE READ READ ONLY`).
    package func exportDump(write: ([UInt8]) throws -> Void) throws -> DumpExport.Summary {
        let dialect = dumpDialect
        return try read { db in try DumpExport.run(db, dialect: dialect, write: write) }
    }

    private var dumpDialect: any DumpDialect {
        isPostgreSQL ? PostgreSQLDumpDialect() : SQLiteDumpDialect()
    }
}

extension DumpArrayReader {
    /// Reads `handle` in pieces of 64 KiB until its end.
    package init(handle: FileHandle) {
        self.init { try handle.read(upToCount: 1 << 16).map(Array.init) ?? [] }
    }
}
