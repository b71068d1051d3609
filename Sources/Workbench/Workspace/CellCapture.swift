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
    /// Called with each piece of output as the cell produces it (see `LiveOutput`).
    var observer: ((LiveOutput) -> Void)?
    /// Set while the cell's final value is shown: its output is the cell's result.
    var showingResult = false

    /// A capture that also writes to `terminal` (nil: capture only).
    public init(terminal: FileHandle?) {
        self.terminal = terminal
    }

    public func emit(_ item: OutputItem) {
        switch item {
        case .text(let text):
            pendingText += text
            show(text)
            observer?(LiveOutput(output: .stream(.stdout, text), isResult: showingResult))
        case .table(let table):
            appendTable(table.plainText, table: table)
        case .svg(let svg, let alt):
            flushText()
            outputs.append(.svg(svg))
            show("[plot: \(alt)]\n")
            observer?(LiveOutput(output: .svg(svg), isResult: showingResult))
        case .warning(let text):
            flushText()
            // Consecutive warnings are one stderr stream, as consecutive prints are one stdout.
            if case .stream(.stderr, let before)? = outputs.last {
                outputs[outputs.count - 1] = .stream(.stderr, before + text)
            } else {
                outputs.append(.stream(.stderr, text))
            }
            if terminal != nil { FileHandle.standardError.write(Data(TerminalSafety.neutralize(text).utf8)) }
            observer?(LiveOutput(output: .stream(.stderr, text), isResult: false))
        case .clear:
            outputs.removeAll()
            pendingText = ""
            observer?(LiveOutput(output: .stream(.stdout, ""), isResult: false, clears: true))
        case .note(let text):
            show(text)
        case .typed(let text):
            pendingText += text
        }
    }

    /// Records a table already drawn as text (a host object's display), and shows it.
    public func appendTable(_ text: String) {
        appendTable(text, table: nil)
    }

    /// Records a table drawn as text, with its cells when it has them (for `LiveOutput`).
    func appendTable(_ text: String, table: TableOutput?) {
        flushText()
        outputs.append(.table(text))
        show(text)
        observer?(LiveOutput(output: .table(text), isResult: showingResult, table: table))
    }

    /// Records an error the cell ended with (also shown on the terminal's error stream).
    public func fail(message: String, rendered: String) {
        flushText()
        outputs.append(.error(message: message, diagnostic: rendered))
        observer?(LiveOutput(output: .error(message: message, diagnostic: rendered), isResult: false))
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
