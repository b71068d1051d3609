import Foundation
import Language

/// What one read from a `LineReader` produced.
public enum LineInput: Equatable, Sendable {
    /// A line, without its newline.
    case line(String)
    /// Ctrl-C at the prompt: the line being typed was abandoned.
    case interrupted
    /// End of input: Ctrl-D at an empty prompt, or the pipe closed.
    case end
}

/// Where the REPL's input lines come from: libedit on a terminal, plain stdin otherwise.
///
/// Keeping both behind one protocol (as Lua's `lua.c` does) lets scripts and tests drive the
/// REPL through a pipe with no terminal: `echo 'print(1)' | fewshot`.
public protocol LineReader: AnyObject {
    /// Shows `prompt` (when interactive) and returns the next line, an interruption, or the
    /// end of input.
    func readLine(prompt: String) -> LineInput
    /// Remembers a line the user entered, for arrow-key recall and the history file.
    func remember(_ line: String)
    /// Whether a person is typing (a terminal), which decides on prompts and colour.
    var isInteractive: Bool { get }
}

extension LineReader {
    /// Reads one cell: a line, and more lines while the input is unfinished (an open bracket
    /// or string, as `Session.isIncomplete` tells). A `:command` is always one line. Ctrl-C
    /// abandons the whole cell and asks again; nil at the end of input with nothing typed.
    ///
    /// `prompt(continuing)` gives the prompt: the first line's, or a continuation line's.
    public func readCell(prompt: (_ continuing: Bool) -> String) -> String? {
        var buffer = ""
        while true {
            switch readLine(prompt: prompt(!buffer.isEmpty)) {
            case .end:
                return buffer.isEmpty ? nil : buffer
            case .interrupted:
                buffer = ""
            case .line(let line):
                buffer += buffer.isEmpty ? line : "\n" + line
                if buffer.trimmingCharacters(in: .whitespaces).isEmpty {
                    buffer = ""
                } else if buffer.hasPrefix(":") || !Session.isIncomplete(buffer) {
                    remember(buffer)
                    return buffer
                }
            }
        }
    }
}

/// Reads stdin line by line, printing no prompts: for pipes, files and tests.
public final class PlainLineReader: LineReader {
    public let isInteractive = false

    /// Creates a reader over the process's standard input.
    public init() {}

    public func readLine(prompt: String) -> LineInput {
        Swift.readLine(strippingNewline: true).map(LineInput.line) ?? .end
    }

    public func remember(_ line: String) {}
}
