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

    public init(_ message: String, at range: SourceRange? = nil, notes: [DiagnosticNote] = []) {
        self.message = message
        self.range = range
        self.notes = notes
    }

    public var description: String { message }

    /// The error as a diagnostic (it must have a range by the time it leaves the interpreter).
    func diagnostic(fallback: SourceRange) -> Diagnostic {
        Diagnostic(.runtime, message, at: range ?? fallback, notes: notes, callStack: callStack)
    }
}


/// "did you mean 'x'?" help: the closest candidate by edit distance, if close enough.
enum Suggestions {
    static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
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

    /// Levenshtein distance (case-insensitive).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased().unicodeScalars), b = Array(b.lowercased().unicodeScalars)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        if abs(a.count - b.count) > 3 { return abs(a.count - b.count) }
        var prev = Array(0...b.count)
        var cur = prev
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
