import Foundation

/// What the figures were measured on (printed at the top and kept in the JSON summary).
enum Machine {
    static func describe(root: URL) -> [String: String] {
        var info: [String: String] = ["cores": "\(ProcessInfo.processInfo.activeProcessorCount)", "loadAverage": loadAverage()]
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        info["cpu"] = field(cpuinfo, "model name") ?? "unknown CPU"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        if let total = field(meminfo, "MemTotal")?.split(separator: " ").first.flatMap({ Double($0) }) {
            info["memory"] = String(format: "%.1f GiB", total / 1024 / 1024)
        }
        info["sqlite"] = output("sqlite3", ["--version"])?.split(separator: " ").first.map(String.init)
        info["swift"] = output("swift", ["--version"])?.split(separator: "\n").first.map(String.init)
        info["commit"] = output("git", ["-C", root.path, "rev-parse", "--short", "HEAD"])
        return info
    }

    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    private static func field(_ text: String, _ name: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(name) }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private static func output(_ command: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
