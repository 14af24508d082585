import ArgumentParser
import Foundation
import Logging
import TobaDomain
import TobaRPC
import TobaStore

/// Options shared by every subcommand. Each is also read from `TOBA_<NAME>` when not given.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite database file, :memory: for a private in-memory database, or a postgres://user[:password]@host[:port]/dbname[?sslmode=…] URL (password also from PGPASSWORD). [env: TOBA_DB] (default: toba-register.sqlite)")
    var db: String?

    @Option(name: .long, help: "A JSON file of settings (see PROTOCOL.md §9). [env: TOBA_CONFIG]")
    var config: String?

    @Option(name: .long, help: "The service secret key file (default: <db>.key, created with mode 0600). [env: TOBA_SECRET_KEY_FILE]")
    var secretKeyFile: String?

    @Option(name: .long, help: "trace|debug|info|notice|warning|error. Logs go to stderr only. [env: TOBA_LOG_LEVEL] (default: info)")
    var logLevel: String?

    static let environment = ProcessInfo.processInfo.environment

    var databasePath: String { db ?? Self.environment["TOBA_DB"] ?? "toba-register.sqlite" }

    /// Whether `--db` names a PostgreSQL database (`postgres://…`, `postgresql://…`).
    var isPostgreSQL: Bool { PostgreSQLLocation.isURL(databasePath) }

    /// The database as it may be shown in logs and messages: a PostgreSQL URL without its
    /// password (or only its scheme when it cannot be read), a SQLite path as given.
    var shownDatabase: String {
        guard isPostgreSQL else { return databasePath }
        return (try? PostgreSQLLocation(url: databasePath).description) ?? "postgres://…"
    }

    /// Opens (creating and migrating) the database, or fails the start with a clear message.
    func openDatabase(_ settings: Settings, logger: Logger) throws -> AppDatabase {
        do {
            return try AppDatabase.open(location: databasePath, durability: settings.durability,
                                        busyTimeoutSeconds: Double(settings.storageBusyTimeoutSeconds),
                                        environment: Self.environment, logger: logger)
        } catch {
            throw StartupFailure("cannot open the database \(shownDatabase): \(error)")
        }
    }

    var configPath: String? { config ?? Self.environment["TOBA_CONFIG"] }

    /// Nil for an in-memory database without an explicit key file: the key then lives in memory.
    /// - Throws: on PostgreSQL without `--secret-key-file`: every sidecar of a fleet must sign
    ///   and check tokens with the same key, which lives beside no database file.
    func secretKeyPath() throws -> String? {
        if let path = secretKeyFile ?? Self.environment["TOBA_SECRET_KEY_FILE"] { return path }
        if isPostgreSQL {
            throw ValidationError("with a PostgreSQL database, give --secret-key-file (or TOBA_SECRET_KEY_FILE): the same key file on every sidecar")
        }
        return databasePath == ":memory:" ? nil : databasePath + ".key"
    }

    func resolvedLogLevel() throws -> Logger.Level {
        let text = logLevel ?? Self.environment["TOBA_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: text.lowercased()), level != .critical else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error (got \(text))")
        }
        return level
    }

    func loadSettings() throws -> Settings {
        guard let path = configPath else { return Settings() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StartupFailure("cannot read the settings file \(path)")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(Array(data))
        } catch {
            throw StartupFailure("the settings file \(path) is not valid JSON (\(error.reason.rawValue) at byte \(error.offset))")
        }
        do {
            return try Settings.parse(document)
        } catch {
            throw StartupFailure("invalid settings in \(path): \(error.description)")
        }
    }

    func makeLogger(label: String = "toba-register") throws -> Logger {
        let level = try resolvedLogLevel()
        var logger = Logger(label: label) { label in
            var handler = StderrLogHandler(label: label)
            handler.metadataProvider = RequestLogContext.metadataProvider
            return handler
        }
        logger.logLevel = level
        return logger
    }

    /// A boolean environment variable; a value that is neither yes nor no refuses the start
    /// (a typo must not silently leave a feature off).
    static func flag(_ name: String) throws -> Bool {
        guard let value = environment[name]?.lowercased() else { return false }
        if ["1", "true", "yes", "on"].contains(value) { return true }
        if ["", "0", "false", "no", "off"].contains(value) { return false }
        throw ValidationError("\(name) must be 1, true, yes, on, 0, false, no or off (got \(value))")
    }
}
