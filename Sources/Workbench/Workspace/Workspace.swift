import Foundation
import Language
import Notebook
import Teacher

/// Runs cells of fewshot code in one session, like a Jupyter kernel does: names, data and models
/// carry from cell to cell, and each cell's output is captured as notebook outputs.
///
/// The REPL, `fewshot run` and `fewshot check` all run code through a workspace, so a cell
/// behaves the same typed at the prompt and replayed from a notebook.
///
/// ```swift
/// let workspace = try Workspace()
/// let outputs = workspace.run("print(1 + 1)", executionCount: 1)  // [.stream(.stdout, "2\n")]
/// ```
public final class Workspace {
    /// The interpreter session, with every Workbench built-in installed.
    public let session: Session
    /// Where outputs are shown live as cells run, errors going to standard error (nil: only
    /// captured, nothing shown).
    public var terminal: FileHandle?
    /// Whether diagnostics shown on the terminal are coloured.
    public var colorDiagnostics = false

    /// Called with each output as the cell produces it, for a front end that shows outputs as
    /// they come and tells the cell's result apart (the Jupyter kernel); nil: none.
    public var onOutput: ((LiveOutput) -> Void)?

    /// The teacher recording and the shared state of the built-ins.
    public let state: WorkbenchState

    /// A workspace over a new session with the Workbench built-ins; teachers record into (or,
    /// in `.replay` mode, answer from) `recording`.
    public init(
        options: Session.Options = Session.Options(), terminal: FileHandle? = nil,
        recording: RecordingStore = RecordingStore(), mode: RecordingMode = .record
    ) throws {
        self.session = try Session(options: options)
        self.terminal = terminal
        self.state = WorkbenchState(recording: recording, mode: mode)
        try Workbench.install(into: session, state: state)
    }

    /// The session's teacher exchanges as a notebook carries them (nil when there are none).
    public var teacherRecording: TeacherRecording? {
        state.recording.count == 0 ? nil : TeacherRecording(content: [UInt8](state.recording.serialized()), placement: .sidecar)
    }

    /// The exit status the last cell calls for, as `fewshot run` uses them: 0 when it ran
    /// cleanly, 65 for a compile error, 70 for a runtime error.
    public private(set) var lastExitCode: Int32 = 0

    /// Runs one cell and returns what it produced. A cell's own error is an `.error` output;
    /// the session goes on.
    public func run(_ source: String, executionCount: Int) -> [CellOutput] {
        let capture = CellCapture(terminal: terminal)
        capture.observer = onOutput
        session.output = capture
        state.meter.scope = "cell-\(executionCount)"
        state.interactiveChats = []
        lastExitCode = 0
        do {
            let value = try session.evaluate(source, name: "cell-\(executionCount)")
            show(value, in: capture)
        } catch let error as DiagnosticError {
            lastExitCode = error.exitCode
            let plain = DiagnosticRenderer(color: false).render(error.diagnostics)
            capture.fail(message: error.diagnostics.first?.message ?? "error", rendered: plain)
            if terminal != nil {
                let shown =
                    colorDiagnostics
                    ? TerminalSafety.neutralizeKeepingStyles(DiagnosticRenderer(color: true).render(error.diagnostics))
                    : TerminalSafety.neutralize(plain)
                FileHandle.standardError.write(Data(shown.utf8))
            }
        } catch {
            lastExitCode = 70
            capture.fail(message: "\(error)", rendered: "error: \(error)\n")
            if terminal != nil { FileHandle.standardError.write(Data(TerminalSafety.neutralize("error: \(error)\n").utf8)) }
        }
        return capture.finish()
    }

    /// The source to save for a cell that just ran `source` with an interactive chat, so the
    /// notebook replays it: the same cell with the lines typed given as the chat's `turns:`
    /// (`chat(student)` becomes `chat(student, turns: ["hi", "/reset", "bye"])`). nil when the
    /// cell had no interactive chat, or one this cannot rewrite (a chat opened from a
    /// function, or several in one cell).
    public func replayableSource(_ source: String) -> String? {
        guard state.interactiveChats.count == 1, let chat = state.interactiveChats.first, !chat.turns.isEmpty else {
            return nil
        }
        let bytes = Array(source.utf8)
        let end = chat.call.end
        guard chat.call.file.text == source, end >= 1, end <= bytes.count, bytes[end - 1] == UInt8(ascii: ")") else {
            return nil
        }
        let turns = chat.turns.map { Value.string($0).repr }.joined(separator: ", ")
        let opened = bytes[..<(end - 1)].last { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") }
        let separator = opened == UInt8(ascii: "(") ? "" : ", "
        return String(decoding: bytes[..<(end - 1)], as: UTF8.self) + "\(separator)turns: [\(turns)])"
            + String(decoding: bytes[end...], as: UTF8.self)
    }

    /// Runs `source` (a `generate(...)` call) with every `generate` showing its plan instead of
    /// asking the teacher: what `:plan` does at the REPL. Nothing is sent.
    public func plan(_ source: String, executionCount: Int) -> [CellOutput] {
        state.planning = true
        defer { state.planning = false }
        return run(source, executionCount: executionCount)
    }

    /// A cell's final value is shown like Jupyter shows it: a host object with a multi-line
    /// view (a dataset's table) as that view, anything else as its `repr`; nil shows nothing.
    private func show(_ value: Value, in capture: CellCapture) {
        capture.showingResult = true
        defer { capture.showingResult = false }
        switch value {
        case .nil:
            return
        case .host(let object):
            if let display = object.display {
                capture.appendTable(display + "\n", table: (object as? DatasetObject)?.displayTable)
            } else {
                capture.emit(.text(object.summary + "\n"))
            }
        default:
            capture.emit(.text(value.repr + "\n"))
        }
    }
}
