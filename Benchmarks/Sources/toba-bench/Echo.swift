import Foundation

/// The ceiling of the harness: a child that does nothing but answer each line with a fixed
/// JSON-RPC answer carrying the request's id, driven by the same code as the service. Every
/// service figure should be read against it.
extension Bench {
    private static let echoSource = #"""
    #include <string.h>
    #include <unistd.h>
    static char in[1 << 16], out[1 << 17];
    static void flush(size_t *o) { size_t done = 0; while (done < *o) { ssize_t n = write(1, out + done, *o - done); if (n <= 0) _exit(1); done += n; } *o = 0; }
    int main(void) {
        static const char head[] = "{\"jsonrpc\":\"2.0\",\"result\":{\"status\":\"ok\"},\"id\":";
        size_t have = 0, o = 0;
        for (;;) {
            ssize_t n = read(0, in + have, sizeof in - have);
            if (n <= 0) return 0;
            have += (size_t)n;
            size_t used = 0;
            char *nl;
            while ((nl = memchr(in + used, '\n', have - used)) != NULL) {
                char *line = in + used, *id = NULL, *end = nl;
                while (end > line && end[-1] != '}') end--;
                for (char *p = end - 5; p >= line; p--) if (memcmp(p, "\"id\":", 5) == 0) { id = p + 5; break; }
                size_t idlen = id && end > id ? (size_t)(end - 1 - id) : 4;
                if (o + sizeof head + idlen + 2 > sizeof out) flush(&o);
                memcpy(out + o, head, sizeof head - 1); o += sizeof head - 1;
                memcpy(out + o, id ? id : "null", idlen); o += idlen;
                out[o++] = '}'; out[o++] = '\n';
                used = (size_t)(nl - in) + 1;
            }
            flush(&o);
            memmove(in, in + used, have - used);
            have -= used;
            if (have == sizeof in) have = 0;  /* a line longer than the buffer: dropped */
        }
    }
    """#

    /// Compiles the echo child with `cc`; falls back to `cat` (which echoes the request itself).
    func prepareEcho() -> String {
        let source = scratch.appendingPathComponent("echo.c")
        let program = scratch.appendingPathComponent("echo").path
        do {
            try Self.echoSource.write(to: source, atomically: true, encoding: .utf8)
            let cc = Process()
            cc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            cc.arguments = ["cc", "-O2", "-o", program, source.path]
            cc.standardError = FileHandle.nullDevice
            try cc.run()
            cc.waitUntilExit()
            if cc.terminationStatus == 0 {
                echo = (program, [])
                return "a C echo child compiled with cc -O2"
            }
        } catch {}
        echo = ("/bin/cat", [])
        return "cat (no C compiler found)"
    }

    func spawnEcho() throws -> Child {
        try Child(binary: echo.path, arguments: echo.arguments, stderrPath: stderrLog)
    }

    func measureHarness(count: Int, latencyRounds: Int, startups: Int) {
        let kind = prepareEcho()
        print("harness ceiling (\(kind), same pipes and code as every workload):")
        summary.add(throughput("harness ceiling: echo child, pipelined", target: .none, unit: "lines/s", upTo: count) { n in
            let child = try spawnEcho()
            defer { child.finish() }
            return try pipe(child, (0..<n).map { request("system.health", "{}", id: "h\($0)") })
        })
        do {
            let child = try spawnEcho()
            defer { child.finish() }
            let latencies = try (0..<latencyRounds).map { i in
                Format.milliseconds(try child.call(request("system.health", "{}", id: "l\(i)")).nanoseconds)
            }
            addLatencies("harness ceiling: echo child, one at a time", latencies, p50: .none, p99: .none)
        } catch {
            summary.add(Row(workload: "harness ceiling: echo child, one at a time", measured: .nan, unit: "ms",
                            target: .none, failure: "\(error)"))
        }
        summary.add(startupRow("harness ceiling: echo child, spawn → first answer (median)", runs: startups, target: .none,
                               checkAnswer: echo.path != "/bin/cat") {
            try spawnEcho()
        })
    }

    /// Adds the p50 and p99 rows of a set of latencies (milliseconds).
    func addLatencies(_ workload: String, _ latencies: [Double], p50: Row.Target, p99: Row.Target) {
        let details: [String: Any] = ["requests": latencies.count, "meanMs": latencies.reduce(0, +) / Double(latencies.count),
                                      "maxMs": latencies.max() ?? .nan]
        summary.add(Row(workload: workload + ", p50", measured: Stats.percentile(latencies, 0.5), unit: "ms", target: p50, details: details))
        summary.add(Row(workload: workload + ", p99", measured: Stats.percentile(latencies, 0.99), unit: "ms", target: p99, details: details))
    }

    /// Spawns a child `runs` times, sends `system.health` at once and times spawn → first answer.
    func startupRow(_ workload: String, runs: Int, target: Row.Target, checkAnswer: Bool = true,
                    _ spawn: () throws -> Child) -> Row {
        var row = Row(workload: workload, measured: .nan, unit: "ms", target: target)
        do {
            let times = try (0..<runs).map { _ in
                let start = Clock.now()
                let child = try spawn()
                child.send(request("system.health", "{}", id: "first"))
                let (answer, arrival) = try child.readLine()
                child.finish()
                if checkAnswer { try Answers.requireSuccess(answer, "system.health") }
                return Format.milliseconds(arrival - start)
            }
            row.measured = Stats.median(times)
            row.details = ["runs": runs, "minMs": times.min() ?? .nan, "maxMs": times.max() ?? .nan]
        } catch {
            row.failure = "\(error)"
        }
        return row
    }
}
