/// An error raised while evaluating: a type error, a bad index, a failed `assert`...
///
/// Built-ins throw it with just a message (`throw RuntimeError("dataset is empty")`); the
/// interpreter fills in the source range of the call and the DSL call stack.
public struct RuntimeError: Error, CustomStringConvertible {
    public var message: String
    public var range: SourceRange?
    public var notes: [DiagnosticNote]
    /// Innermost first.
    public var callStack: [StackFrame] = []
    /// Whether the host stopped the evaluation (`Session.cancel()`), not the program.
    public private(set) var isInterruption = false

    public init(_ message: String, at range: SourceRange? = nil, notes: [DiagnosticNote] = []) {
        self.message = message
        self.range = range
        self.notes = notes
    }

    /// The error a cancelled evaluation stops with: "interrupted", of its own kind
    /// (`DiagnosticKind.interrupted`), so no program can fake it with `error("interrupted")`.
    public static func interrupted(at range: SourceRange? = nil) -> RuntimeError {
        var error = RuntimeError("interrupted", at: range)
        error.isInterruption = true
        return error
    }

    public var description: String { message }

    /// Any error a built-in threw, as a runtime error at the call `site` (where it has no place
    /// of its own): a `DatasetError` or `LearnError` reads as its description, and the DSL
    /// call stack is added on the way out like any other. Built-ins need not convert errors.
    init(locating error: Error, at site: SourceRange) {
        if var runtime = error as? RuntimeError {
            if runtime.range == nil { runtime.range = site }
            self = runtime
        } else {
            self.init(String(describing: error), at: site)
        }
    }

    /// The error as a diagnostic (it must have a range by the time it leaves the interpreter).
    func diagnostic(fallback: SourceRange) -> Diagnostic {
        Diagnostic(isInterruption ? .interrupted : .runtime, message, at: range ?? fallback, notes: notes, callStack: callStack)
    }
}

/// "did you mean 'x'?" help: the closest candidate by edit distance, if close enough. The one
/// edit distance of the product (the REPL's `:command` suggestions use it too).
public enum Suggestions {
    /// The candidate nearest to `name`, within a third of its length (at least 1 edit).
    public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        var best: (String, Int)?
        let limit = max(1, name.count / 3)
        for c in candidates where c != name {
            let d = distance(name, c)
            if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    static func note(for name: String, in candidates: some Sequence<String>) -> String {
        closest(to: name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// For an unknown name written as `{name}` inside a double-quoted string: most likely a
    /// prompt-template slot, which a single-quoted string keeps as plain text.
    static func slotNote(for name: String, at range: SourceRange) -> String {
        let bytes = range.file.bytes
        guard range.start > 0, range.end < bytes.count,
            bytes[range.start - 1] == UInt8(ascii: "{"), bytes[range.end] == UInt8(ascii: "}")
        else { return "" }
        return "; in a \"...\" string {\(name)} is code. For a prompt slot write the template in single quotes, "
            + "'...{\(name)}...', or escape the brace: \"...\\{\(name)}...\""
    }

    /// Levenshtein distance (case-insensitive), with a swap of neighbours counting as one edit.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased().unicodeScalars), b = Array(b.lowercased().unicodeScalars)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        if abs(a.count - b.count) > 3 { return abs(a.count - b.count) }
        // Optimal string alignment: edits plus swaps of neighbours ("lable" -> "label" is 1).
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
