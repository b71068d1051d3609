import CEdit
import Foundation

/// Line editing on a terminal through libedit: arrows, Emacs keys, Ctrl-R search, history
/// kept in a file across sessions, and tab completion from a `CompletionProvider`.
public final class EditLineReader: LineReader {
    public let isInteractive = true
    private let history: HistoryFile

    /// Starts libedit with the history loaded from `history` and completions from `completer`.
    public init(history: HistoryFile, completer: CompletionProvider?) {
        self.history = history
        rl_readline_name = UnsafePointer(strdup("fewshot"))
        // Break words at the characters that end a name in the language, so `data.te<TAB>`
        // completes `te` and `f(x, n<TAB>` completes `n`.
        rl_completer_word_break_characters = strdup(" \t\n\"'`()[]{},.:;=+-*/%<>!|&")
        using_history()
        stifle_history(Int32(history.limit))
        for line in history.load() { add_history(line) }
        CompletionBridge.install(completer)
    }

    public func readLine(prompt: String) -> String? {
        guard let raw = CEdit.readline(prompt) else { return nil }
        defer { free(raw) }
        return String(cString: raw)
    }

    public func remember(_ line: String) {
        guard history.accepts(line) else { return }
        add_history(line)
        history.append(line)
    }
}
