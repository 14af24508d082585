import Foundation

/// A progress bar on stderr, drawn only when stderr is a terminal and the work is large enough
/// to wait for: a redirected stderr (a log file, a CI job) gets no carriage-return noise.
final class ProgressLine {
    private let label: String
    private let total: Int64
    private let enabled: Bool
    private var shownPercent = -1

    /// Files from this size on get a progress bar.
    static let threshold: Int64 = 8 << 20

    init(label: String, total: Int64) {
        self.label = label
        self.total = total
        self.enabled = total >= Self.threshold && isatty(STDERR_FILENO) == 1
    }

    func update(_ done: Int64) {
        guard enabled else { return }
        let percent = Int(min(100, done * 100 / max(total, 1)))
        guard percent != shownPercent else { return }
        shownPercent = percent
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        DumpCommand.writeError("\r\(label) [\(bar)] \(percent)% (\(DumpCommand.size(done)) of \(DumpCommand.size(total)))")
    }

    /// Ends the bar's line, so what follows starts on its own; at 100% when the work is `complete`.
    func finish(complete: Bool) {
        guard enabled, shownPercent >= 0 else { return }
        if complete { update(total) }
        DumpCommand.writeError("\n")
    }
}
