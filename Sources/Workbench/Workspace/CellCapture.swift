import Foundation
import Language
import Notebook

/// An output sink for one cell: it keeps what the cell produced as notebook outputs and, when
/// a terminal is attached, shows it live.
///
/// Text from the cell is neutralised for the terminal (see `TerminalSafety`): a teacher reply
/// or a dataset row cannot move the cursor or retitle the window. Consecutive text is merged
/// into one stream output, progress bars never reach it (see `ProgressReporter`).
public final class CellCapture: OutputSink, @unchecked Sendable {
    private var outputs: [CellOutput] = []
    private var pendingText = ""
    private let terminal: FileHandle?

    /// A capture that also writes to `terminal` (nil: capture only).
    public init(terminal: FileHandle?) {
        self.terminal = terminal
    }

    public func emit(_ item: OutputItem) {
        switch item {
        case .text(let text):
            pendingText += text
            show(text)
        case .table(let table):
            appendTable(table.plainText)
        case .svg(let svg, let alt):
            flushText()
            outputs.append(.svg(svg))
            show("[plot: \(alt)]\n")
        case .note(let text):
            show(text)
        case .typed(let text):
            pendingText += text
        }
    }

    /// Records a table already drawn as text (a host object's display), and shows it.
    public func appendTable(_ text: String) {
        flushText()
        outputs.append(.table(text))
        show(text)
    }

    /// Records an error the cell ended with (also shown on the terminal's error stream).
    public func fail(message: String, rendered: String) {
        flushText()
        outputs.append(.error(message: message, diagnostic: rendered))
    }

    /// Everything the cell produced, in order.
    public func finish() -> [CellOutput] {
        flushText()
        return outputs
    }

    private func flushText() {
        guard !pendingText.isEmpty else { return }
        outputs.append(.stream(.stdout, pendingText))
        pendingText = ""
    }

    private func show(_ text: String) {
        terminal?.write(Data(TerminalSafety.neutralize(text).utf8))
    }
}
