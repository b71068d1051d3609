import CEdit
import Foundation

/// Line editing on a terminal through libedit: arrows, Emacs keys, Ctrl-R search, history
/// kept in a file across sessions, and tab completion from a `CompletionProvider`.
///
/// Ctrl-C at the prompt abandons the line (and a half-typed cell) and shows a fresh prompt;
/// while a cell runs, the terminal is back in its normal mode and Ctrl-C is a signal that
/// stops the cell (see `InterruptHandler`).
public final class EditLineReader: LineReader {
    public let isInteractive = true
    private let history: HistoryFile
    /// Set by the Ctrl-C key binding, which libedit calls through a C pointer without context.
    nonisolated(unsafe) private static var interrupted = false

    /// Starts libedit with the history loaded from `history` and completions from `completer`.
    public init(history: HistoryFile, completer: CompletionProvider?) {
        self.history = history
        rl_readline_name = UnsafePointer(strdup("fewshot"))
        // Words break where an expression or a string starts (libedit's readline API reads
        // this list, not rl_completer_word_break_characters), but not at `.`, `/` or `:`, so
        // `data.te`, `"data/tw` and `:sa` reach the completer whole.
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n\"'`()[]{},;=+-*%<>!|&"))
        using_history()
        stifle_history(Int32(history.limit))
        for line in history.load() { add_history(line) }
        CompletionBridge.install(completer)
        EditLineReader.bindInterruptKey()
    }

    public func readLine(prompt: String) -> LineInput {
        EditLineReader.interrupted = false
        guard let raw = CEdit.readline(prompt) else {
            guard EditLineReader.interrupted else { return .end }
            FileHandle.standardOutput.write(Data("^C\n".utf8))
            return .interrupted
        }
        defer { free(raw) }
        return .line(String(cString: raw))
    }

    public func remember(_ line: String) {
        guard history.accepts(line) else { return }
        add_history(line)
        history.append(line)
    }

    /// Makes Ctrl-C a key of the line editor rather than a signal while a line is typed
    /// (libedit's edit mode without `isig`), bound to a function that ends the read.
    ///
    /// Why not catch SIGINT instead: the signal cannot make libedit's blocking read give up
    /// the line, and the handler that stops running cells must not fire at the prompt. The
    /// terminal setting goes in the pre-input hook because `readline` resets libedit's
    /// terminal modes at every call, just before running that hook.
    private static func bindInterruptKey() {
        rl_pre_input_hook = { rl_parse_and_bind("setty -d -isig") }
        rl_add_defun(
            "fewshot-interrupt",
            { _, _ in
                EditLineReader.interrupted = true
                rl_done = 1  // libedit ends the read with no line: `readLine` reports `.interrupted`
                return 0
            }, 3)  // Ctrl-C
    }
}
