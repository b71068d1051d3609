/// What kind of problem a diagnostic reports; decides the exit code and whether a REPL
/// should ask for another line.
public enum DiagnosticKind: String, Sendable {
    /// The source is malformed (exit code 65).
    case syntax
    /// The source ends in the middle of a construct: an open bracket, string or block, or a
    /// trailing operator. A REPL asks for a continuation line instead of reporting it.
    case incomplete
    /// The source parses but names or assignments are wrong (exit code 65).
    case semantic
    /// Evaluation failed (exit code 70).
    case runtime
    /// The host stopped evaluation (Ctrl-C; exit code 130). Only `Session.cancel()` makes it:
    /// a program's own `error("interrupted")` is a runtime error like any other.
    case interrupted
}

/// A secondary message attached to a diagnostic, e.g. "to match this '('".
public struct DiagnosticNote: Sendable {
    public let message: String
    public let range: SourceRange?

    public init(_ message: String, at range: SourceRange?) {
        self.message = message
        self.range = range
    }
}

/// One error, as a plain value. Rendering is done by `DiagnosticRenderer`.
public struct Diagnostic: Sendable, CustomStringConvertible {
    public let kind: DiagnosticKind
    public let message: String
    /// Where the problem is; every diagnostic has a range.
    public let range: SourceRange
    public var notes: [DiagnosticNote]
    /// For runtime errors: the DSL call frames, innermost first ("in fib at cell-2:4:5").
    public var callStack: [StackFrame]

    public init(
        _ kind: DiagnosticKind, _ message: String, at range: SourceRange,
        notes: [DiagnosticNote] = [], callStack: [StackFrame] = []
    ) {
        self.kind = kind
        self.message = message
        self.range = range
        self.notes = notes
        self.callStack = callStack
    }

    /// `file:line:col: error: message` (one line, no source excerpt).
    public var description: String { "\(range): error: \(message)" }
}

/// One frame of the DSL call stack: the function called and where the call happened.
public struct StackFrame: Sendable {
    public let function: String
    public let callSite: SourceRange
}

/// The error thrown by `Session` when source fails to parse, resolve or run.
///
/// A compile error carries every diagnostic found (the parser recovers and reports several);
/// a runtime error carries exactly one.
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    /// True when the only problem is that the input ended too early.
    public var isIncomplete: Bool { diagnostics.contains { $0.kind == .incomplete } }

    /// True when this is a runtime error (exit code 70) rather than a compile error (65).
    public var isRuntime: Bool { diagnostics.contains { $0.kind == .runtime } }

    /// The conventional exit code: 70 for runtime errors, 65 otherwise.
    public var exitCode: Int32 { isInterruption ? 130 : isRuntime ? 70 : 65 }

    /// Whether the host stopped the evaluation (Ctrl-C), rather than the program failing.
    public var isInterruption: Bool { diagnostics.contains { $0.kind == .interrupted } }

    /// The diagnostics rendered plainly (no colour), one after another.
    public var description: String { DiagnosticRenderer(color: false).render(diagnostics) }
}
