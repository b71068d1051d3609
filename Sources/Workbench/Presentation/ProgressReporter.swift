import Foundation
import Language

/// Shows a progress bar for a long built-in (generation, training) while it runs, and leaves
/// only its final line in the cell's output.
///
/// Redraws go straight to the terminal's error stream, at most ten times a second, and only
/// when it is a terminal: saved notebooks and piped output never hold intermediate states.
final class ProgressReporter {
    private var bar: ProgressBar
    private let context: CallContext
    private let live: Bool
    private var lastDraw = Date.distantPast
    /// Where redraws go instead of the terminal (see `LiveProgress`), and this bar's id there.
    private let display = LiveProgress.display
    private let id = ProgressReporter.nextID()
    nonisolated(unsafe) private static var lastID = 0

    /// Starts a bar labelled `label` for `total` units of work.
    init(_ label: String, total: Int, context: CallContext) {
        self.bar = ProgressBar(label: label, total: total)
        self.context = context
        self.live = display != nil || isatty(2) == 1
    }

    private static func nextID() -> Int {
        lastID += 1
        return lastID
    }

    /// Redraws the bar after `done` units, with extra fields (`loss 1.23`, `5120 tok/s`).
    func update(done: Int, fields: [String] = []) {
        guard live else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= bar.total else { return }
        lastDraw = now
        if let display { return display.progress(id, line: bar.line(done: done, fields: fields, now: now)) }
        FileHandle.standardError.write(Data(("\r\u{1b}[2K" + bar.line(done: done, fields: fields, now: now)).utf8))
    }

    /// Clears the live bar and writes nothing (work whose output must not depend on what was
    /// cached before, such as `embed`).
    func clear() {
        if live { FileHandle.standardError.write(Data("\r\u{1b}[2K".utf8)) }
    }

    /// Clears the live bar and writes the final line to the cell's output.
    func finish(done: Int, fields: [String] = []) {
        if let display {
            display.progressFinished(id)
        } else if live {
            FileHandle.standardError.write(Data("\r\u{1b}[2K".utf8))
        }
        context.write(bar.line(done: done, fields: fields, eta: false) + "\n")
    }
}
