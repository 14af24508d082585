import Foundation

/// One line of the summary: a workload, what was measured, the target it is held to.
struct Row {
    enum Target {
        /// At least this many per second.
        case atLeast(Double)
        /// At most this value (in the row's unit).
        case atMost(Double)
        /// No target: the figure is for reference.
        case none
        /// A target that is judged elsewhere (e.g. relative to another row), with its text.
        case judged(String, met: Bool)
    }

    var workload: String
    var measured: Double
    var unit: String
    var target: Target
    /// Extra figures for the JSON summary (counts, seconds, CPU, every run).
    var details: [String: Any] = [:]
    /// Set when the answers were not the expected successes: the figure is not valid.
    var failure: String?

    var met: Bool? {
        if failure != nil { return false }
        switch target {
        case .atLeast(let floor): return measured >= floor
        case .atMost(let ceiling): return measured <= ceiling
        case .none: return nil
        case .judged(_, let met): return met
        }
    }

    var measuredText: String {
        if let failure { return "FAILED: \(failure)" }
        return Format.value(measured, unit)
    }

    var targetText: String {
        switch target {
        case .atLeast(let floor): return "≥ " + Format.value(floor, unit)
        case .atMost(let ceiling): return "≤ " + Format.value(ceiling, unit)
        case .none: return "—"
        case .judged(let text, _): return text
        }
    }
}

enum Format {
    static func value(_ value: Double, _ unit: String) -> String {
        switch unit {
        case "req/s", "lines/s":
            if value >= 10_000 { return String(format: "%.1f k/s", value / 1000) }
            return String(format: "%.0f /s", value)
        case "ms": return String(format: value < 1 ? "%.3f ms" : "%.1f ms", value)
        case "µs": return String(format: "%.1f µs", value)
        case "%": return String(format: "%+.1f %%", value)
        case "bytes": return String(format: "%.0f B", value)
        default: return String(format: "%.3f %@", value, unit)
        }
    }

    static func seconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e9 }
    static func milliseconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e6 }
}

enum Stats {
    static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    /// The nearest-rank percentile (`p` in 0...1).
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

/// Collects the rows, prints each as it is measured and the whole table at the end, and writes
/// the machine-readable summary.
@MainActor final class Summary {
    private(set) var rows: [Row] = []
    var header: [String: Any] = [:]

    func add(_ row: Row) {
        rows.append(row)
        let met = row.met.map { $0 ? "met" : "NOT MET" } ?? ""
        print("  \(row.workload): \(row.measuredText)  (target \(row.targetText)) \(met)")
        fflush(nil)
    }

    func row(named workload: String) -> Row? { rows.first { $0.workload == workload } }

    func printTable() {
        let cells = rows.map { row in
            [row.workload, row.measuredText, row.targetText, row.met.map { $0 ? "yes" : "**no**" } ?? "—"]
        }
        print("| workload | measured | target | met? |")
        print("| --- | ---: | ---: | :---: |")
        for cell in cells { print("| " + cell.joined(separator: " | ") + " |") }
    }

    func writeJSON(to path: String) throws {
        let rowsJSON: [[String: Any]] = rows.map { row in
            var object: [String: Any] = [
                "workload": row.workload, "measured": row.measured.isFinite ? row.measured : NSNull(),
                "unit": row.unit, "target": row.targetText, "met": row.met.map { $0 as Any } ?? NSNull(),
            ]
            switch row.target {
            case .atLeast(let floor): object["targetMin"] = floor
            case .atMost(let ceiling): object["targetMax"] = ceiling
            case .none, .judged: break
            }
            if let failure = row.failure { object["failure"] = failure }
            if !row.details.isEmpty { object["details"] = row.details }
            return object
        }
        var document = header
        document["rows"] = rowsJSON
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }
}
