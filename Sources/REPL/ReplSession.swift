import Foundation
import Language
import Notebook
import Teacher
import Workbench

/// The interactive loop: reads cells (with continuation lines while input is unfinished),
/// runs them in a workspace, keeps each as a cell of the session's notebook and saves that
/// notebook after every cell, so a crash or a closed terminal loses nothing.
public final class ReplSession {
    private var workspace: Workspace
    private var reader: LineReader
    private let history: HistoryFile
    private var notebook: Notebook
    /// Where the notebook is saved after every cell (nil: not saved, e.g. for piped input).
    public private(set) var notebookPath: String?
    private let out = FileHandle.standardOutput

    /// A session that keeps its cells in the notebook at `notebookPath` (loading and running it
    /// first when it exists).
    public init(workspace: Workspace, reader: LineReader, history: HistoryFile, notebookPath: String?) throws {
        self.workspace = workspace
        self.reader = reader
        self.history = history
        self.notebookPath = notebookPath
        self.notebook = Notebook(metadata: NotebookMetadata(fewshotVersion: Workbench.version))
        if let notebookPath, FileManager.default.fileExists(atPath: notebookPath) {
            try open(notebookPath)
        }
    }

    /// Where an interactive session is saved when no notebook is named:
    /// `$XDG_STATE_HOME/fewshot/sessions/session-YYYYMMDD-HHMMSS.fsnb` (`-2`, `-3`, ... added
    /// when that file exists).
    public static func defaultNotebookPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let folder = HistoryFile.defaultPath(environment: environment).deletingLastPathComponent()
            .appendingPathComponent("sessions")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let stem = "session-\(formatter.string(from: Date()))"
        // Two sessions started in the same second get their own files.
        var path = folder.appendingPathComponent(stem + ".fsnb").path
        var n = 1
        while FileManager.default.fileExists(atPath: path) {
            n += 1
            path = folder.appendingPathComponent("\(stem)-\(n).fsnb").path
        }
        return path
    }

    /// The exit status of the first cell that failed (65 or 70), 0 while none has.
    public private(set) var firstFailure: Int32 = 0

    /// Starts the REPL on standard input: libedit with history and completion on a terminal
    /// (the session saved to `notebookPath`, or a new file under the state folder), plain
    /// lines otherwise (nothing saved unless a path is given). Ctrl-C stops the running cell.
    ///
    /// Returns the exit status: 0 at a terminal. For piped input, as `fewshot run` gives: the
    /// code of the first cell that failed (65 compile error, 70 runtime error), else 75 when
    /// teacher requests failed after their retries, else 0.
    @discardableResult
    public static func start(notebookPath: String?) throws -> Int32 {
        let interactive = isatty(0) == 1
        let history = HistoryFile()
        let workspace = try Workspace(terminal: .standardOutput)
        workspace.colorDiagnostics = interactive && DiagnosticRenderer.forTerminal(fd: 2).color
        let path = notebookPath ?? (interactive ? defaultNotebookPath() : nil)
        let repl = try ReplSession(workspace: workspace, reader: PlainLineReader(), history: history, notebookPath: path)
        if interactive {
            repl.reader = EditLineReader(history: history) { [unowned repl] line, word, start in
                repl.completions(line: line, word: word, wordStart: start)
            }
        }
        // The terminal echoes `^C`; the cell's "interrupted" error goes on the next line.
        let interrupts = InterruptHandler { [unowned repl] in
            repl.workspace.session.cancel()
            if interactive { FileHandle.standardOutput.write(Data("\n".utf8)) }
        }
        if path == nil {
            repl.workspace.state.rerunAdvice =
                "piped input keeps them only while it runs; `fewshot run FILE.shot --recording FILE.fsrec` keeps "
                + "them, and running it again asks only for what is missing"
        }
        repl.run()
        withExtendedLifetime(interrupts) {}
        guard !interactive else { return 0 }
        if repl.firstFailure != 0 { return repl.firstFailure }
        let failed = repl.workspace.state.failedTeacherRequests
        guard failed > 0 else { return 0 }
        FileHandle.standardError.write(
            Data("error: \(failed) teacher requests failed after retries (exit 75); \(repl.workspace.state.rerunAdvice)\n".utf8))
        return 75
    }

    /// Reads and runs cells until end of input or `:quit`.
    public func run() {
        if reader.isInteractive {
            say("fewshot \(Workbench.version): type help() for built-ins, :help for commands, Ctrl-D to quit")
            if let notebookPath { say("this session is saved as \(notebookPath) after every cell") }
        }
        while let source = readCell() {
            if let command = ReplCommand(line: source) {
                if !perform(command) { return }
                continue
            }
            runCell(source)
        }
        if reader.isInteractive { say("") }
    }

    /// Completion candidates for the word being typed (see `Completer`).
    public func completions(line: String, word: String, wordStart: Int) -> [String] {
        Completer(session: workspace.session).candidates(line: line, word: word, wordStart: wordStart)
    }

    // MARK: Cells

    /// The positions of the code cells: cell N at the REPL (its prompt `fewshot [N]>`, its
    /// `cell-N` in messages, `:show N`) is the N-th code cell, as `fewshot run` numbers them,
    /// so a notebook with text cells replays with the same numbers.
    private var codeCells: [Int] { notebook.cells.indices.filter { notebook.cells[$0].kind == .code } }

    private func readCell() -> String? {
        let number = codeCells.count + 1
        return reader.readCell { continuing in
            continuing ? String(repeating: " ", count: "fewshot [\(number)]".count - 3) + "...> " : "fewshot [\(number)]> "
        }
    }

    private func runCell(_ source: String) {
        notebook.cells.append(Cell(kind: .code, source: source))
        let index = notebook.cells.count - 1
        run(cellAt: index)
        if firstFailure == 0 { firstFailure = workspace.lastExitCode }
        if let scripted = workspace.replayableSource(source) {
            notebook.cells[index].source = scripted
            say("(saved as \(scripted), so the notebook replays this chat)")
        }
        autosave()
    }

    /// Runs code cell `index` of the session's notebook through `NotebookRunner`, as `fewshot run`
    /// runs a notebook's cells: numbered over the code cells, timed, outputs kept with progress
    /// bars at their final state.
    private func run(cellAt index: Int) {
        let runner = NotebookRunner(executor: TypedCells(workspace: workspace))
        do {
            try runner.run(cellAt: index, in: &notebook, executionCount: (codeCells.firstIndex(of: index) ?? index) + 1)
        } catch {
            say("error: \(error)")
        }
    }

    private func autosave() {
        guard let notebookPath else { return }
        notebook.teacherRecording = workspace.teacherRecording
        notebook.metadata.teacher = workspace.state.teacherConfiguration ?? notebook.metadata.teacher
        do {
            try notebook.save(to: notebookPath)
        } catch {
            say("warning: could not save \(notebookPath): \(error)")
        }
    }

    /// The file `:save NAME` writes: NAME, with `.fsnb` added when it has no extension.
    static func notebookFile(_ name: String) -> String {
        (name as NSString).pathExtension.isEmpty ? name + ".fsnb" : name
    }

    // MARK: Commands

    /// Runs a `:command`; false means leave the REPL.
    private func perform(_ command: ReplCommand) -> Bool {
        guard let spec = command.spec else {
            let hint = command.suggestion.map { " (did you mean ':\($0)'?)" } ?? ""
            say("unknown command ':\(command.name)'\(hint); :help lists the commands")
            return true
        }
        switch spec.name {
        case "quit":
            return false
        case "help":
            say(help(command.argument))
        case "save":
            if !command.argument.isEmpty { notebookPath = ReplSession.notebookFile(command.argument) }
            guard notebookPath != nil else { say("usage: :save path.fsnb"); break }
            autosave()
            say("saved \(notebook.cells.count) cells to \(notebookPath!)")
        case "load":
            guard !command.argument.isEmpty else { say("usage: :load path.fsnb"); break }
            do {
                try open(command.argument)
                notebookPath = command.argument
            } catch {
                say(TerminalSafety.neutralize("error: \(error)"))
            }
        case "cells":
            for (n, i) in codeCells.enumerated() {
                let cell = notebook.cells[i]
                let first = cell.source.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
                say(TerminalSafety.neutralize("[\(n + 1)] \(first)\(cell.source.contains("\n") ? " …" : "")"))
            }
        case "show":
            if let index = cellIndex(command.argument) {
                let cell = notebook.cells[index]
                say(TerminalSafety.neutralize(cell.source))
                for output in cell.outputs { out.write(Data(TerminalSafety.neutralize(output.plainText).utf8)) }
            }
        case "rerun":
            if let index = cellIndex(command.argument) { rerun(index, source: notebook.cells[index].source) }
        case "edit":
            if let index = cellIndex(command.argument), let edited = edit(notebook.cells[index].source) {
                rerun(index, source: edited)
            }
        case "reset":
            do {
                workspace = try freshWorkspace()
                say("all names forgotten; the cells are still in the notebook (:rerun N runs one again)")
            } catch {
                say("error: \(error)")
            }
        case "history":
            for (i, line) in history.load().enumerated() { say("\(i + 1)  \(line)") }
        case "plan":
            guard command.argument.hasPrefix("generate(") else {
                say("usage: :plan generate(prompt, shots, n: 200, ...): shows the plan without asking the teacher")
                break
            }
            _ = workspace.plan(command.argument, executionCount: codeCells.count + 1)
        case "usage":
            say(UsageObject(workspace.state.meter).display ?? "")
        default:
            say("':\(spec.name)' is not available here")
        }
        return true
    }

    private func help(_ name: String) -> String {
        HelpText.text(for: name, in: workspace.session)
    }

    private func rerun(_ index: Int, source: String) {
        notebook.cells[index].source = source
        run(cellAt: index)
        autosave()
    }

    /// Opens `source` in `$EDITOR` (default `vi`); the edited text, or nil when the editor
    /// failed. The editor gets the terminal as `git commit` gives it: see `ForegroundCommand`.
    private func edit(_ source: String) -> String? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-cell-\(UUID().uuidString).shot")
        defer { try? FileManager.default.removeItem(at: file) }
        do { try source.write(to: file, atomically: true, encoding: .utf8) } catch { return nil }
        let editor = ProcessInfo.processInfo.environment["VISUAL"] ?? ProcessInfo.processInfo.environment["EDITOR"] ?? "vi"
        let status: Int32
        do {
            status = try ForegroundCommand.run(["/bin/sh", "-c", "\(editor) \"$1\"", "sh", file.path])
        } catch {
            say("could not start \(editor): \(error)")
            return nil
        }
        guard status == 0 else {
            say("\(editor) exited with status \(status); the cell is unchanged")
            return nil
        }
        // Editors end the file with a newline that is no part of the cell.
        return (try? String(contentsOf: file, encoding: .utf8)).map {
            String($0.reversed().drop(while: \.isNewline).reversed())
        }
    }

    /// The position of code cell `argument` (numbered from 1, as `:cells` lists them).
    private func cellIndex(_ argument: String) -> Int? {
        let cells = codeCells
        guard let n = Int(argument), n >= 1, n <= cells.count else {
            say("no cell '\(argument)': cells are numbered 1 to \(cells.count)")
            return nil
        }
        return cells[n - 1]
    }

    /// A new workspace showing output as the current one does (for `:reset` and `:load`).
    private func freshWorkspace(recording: RecordingStore = RecordingStore()) throws -> Workspace {
        let fresh = try Workspace(terminal: workspace.terminal, recording: recording)
        fresh.colorDiagnostics = workspace.colorDiagnostics
        return fresh
    }

    /// Loads a notebook and runs its code cells, so its names are defined here.
    ///
    /// The notebook may come from elsewhere, so its cells run confined as under `fewshot run`
    /// (files in its own folder and fewshot's home, teachers only at the configured server);
    /// what the user types afterwards is not.
    private func open(_ path: String) throws {
        let loaded = try Notebook.load(from: path)
        workspace = try freshWorkspace(recording: try RecordingStore(of: loaded))
        notebook = loaded
        let typedCodePolicy = (files: workspace.session.fileAccess, teachers: workspace.state.teacherURLs)
        workspace.confine(Confinement(), folder: URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path)
        // The cells run as `fewshot run` runs them: numbered over the code cells, outputs,
        // counts and durations refreshed.
        do {
            notebook = try workspace.session.onEvaluationThread { try NotebookRunner(executor: workspace).run(loaded) }
        } catch let interrupted as NotebookRunner.Interrupted {
            notebook = interrupted.partial
            say("stopped at \(interrupted); the cells after it did not run")
        }
        workspace.session.fileAccess = typedCodePolicy.files
        workspace.state.teacherURLs = typedCodePolicy.teachers
        say("loaded \(path): ran \(codeCells.count) code cells")
    }

    private func say(_ text: String) {
        out.write(Data((text + "\n").utf8))
    }
}
