/// Where the REPL's input lines come from: libedit on a terminal, plain stdin otherwise.
///
/// Keeping both behind one protocol (as Lua's `lua.c` does) lets scripts and tests drive the
/// REPL through a pipe with no terminal: `echo 'print(1)' | fewshot`.
public protocol LineReader: AnyObject {
    /// Shows `prompt` (when interactive) and returns the next line without its newline,
    /// or nil at end of input (Ctrl-D, or the pipe closed).
    func readLine(prompt: String) -> String?
    /// Remembers a line the user entered, for arrow-key recall and the history file.
    func remember(_ line: String)
    /// Whether a person is typing (a terminal), which decides on prompts and colour.
    var isInteractive: Bool { get }
}

/// Reads stdin line by line, printing no prompts: for pipes, files and tests.
public final class PlainLineReader: LineReader {
    public let isInteractive = false

    /// Creates a reader over the process's standard input.
    public init() {}

    public func readLine(prompt: String) -> String? {
        Swift.readLine(strippingNewline: true)
    }

    public func remember(_ line: String) {}
}
