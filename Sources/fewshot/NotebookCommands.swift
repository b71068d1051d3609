import ArgumentParser
import Foundation
import Language
import Notebook
import REPL
import Teacher
import Workbench

/// `fewshot run FILE`: a `.shot` script, or a `.fsnb` notebook replayed cell by cell.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a fewshot script (.shot) or replay a notebook (.fsnb).",
        discussion: """
            Examples:
              fewshot run examples/fib.shot
              fewshot run notebooks/01-few-shot-basics.fsnb --save
              fewshot run course.fsnb --allow-fs ../data --timeout 600 --max-memory 4096

            The code may use files only under its own folder and fewshot's home, and teachers
            only at $OPENAI_BASE_URL, unless --allow-fs / --allow-teacher-url say otherwise
            (docs/security.md). Exit 124 after --timeout, 125 past --max-memory, 75 when
            teacher requests failed after retries (the answers that came are kept; rerun to
            fetch what is missing), 130 on Ctrl-C (with --save, the notebook is saved with
            every answer received; with --recording, the script's answers are in the file).
            """)

    @Argument(help: "The script (.shot) or notebook (.fsnb) to run.")
    var file: String

    @Flag(help: "Write the refreshed outputs back into the notebook.")
    var save = false

    @Flag(help: "Call the teacher for requests the notebook has no recording of (default: replay only, offline).")
    var live = false

    @OptionGroup var limits: ConfinementOptions

    @OptionGroup var recording: RecordingOption

    mutating func run() throws {
        let confinement = limits.confinement
        let watchdog = ResourceWatchdog(limits: confinement.limits, subject: file)
        watchdog.start()
        defer { watchdog.stop() }
        guard file.hasSuffix(".fsnb") else {
            let path = NotebookCommand.absolute(file)
            try NotebookCommand.checkLimits { try InputLimits.checkScript(at: path) }
            let state = try recording.state(command: "the script")
            let session = try SessionFactory.make(state: state)
            confinement.apply(to: session, state: state, folder: URL(fileURLWithPath: path).deletingLastPathComponent().path)
            try Runner.runStoppable(session, state: state, printResult: false, kept: recording.keptDescription(state)) {
                try session.runFile(path, name: file)
            }
            return
        }
        guard recording.recording == nil else {
            throw ValidationError("a notebook carries its own recording: use --live --save instead of --recording")
        }
        let path = NotebookCommand.absolute(file)
        let (notebook, runner, workspace) = try NotebookCommand.prepare(path, echo: true, live: live, confinement: confinement)
        workspace.state.rerunAdvice =
            save
            ? "running `fewshot run \(file) --live --save` again asks only for what is missing"
            : "they are kept only with --save: `fewshot run \(file) --live --save` keeps them and asks for what is missing"
        // Ctrl-C stops the cell; the answers it received are saved with the notebook (--save).
        let interrupts = InterruptHandler(secondInterruptExits: true) { [workspace] in workspace.session.cancel() }
        defer { withExtendedLifetime(interrupts) {} }
        let refreshed: Notebook
        do {
            refreshed = try workspace.session.onEvaluationThread { try runner.run(notebook) }
        } catch let interrupted as NotebookRunner.Interrupted {
            watchdog.stop()
            guard save else {
                NotebookCommand.fail("\(file): stopped at \(interrupted); the notebook was not changed")
                throw ExitCode(TeacherOutcome.interrupted)
            }
            try saveRun(interrupted.partial, workspace, to: path)
            throw TeacherOutcome.stopped(
                workspace.state,
                kept: "\(file) was saved with the cells before \(interrupted.cellID) refreshed and the "
                    + "\(workspace.state.recording.count) teacher answers recorded so far")
        }
        watchdog.stop()
        // A cell that ran cleanly when saved and fails now (a refused server, a lost file) would
        // overwrite good outputs with an error: keep the notebook as it was and say why.
        // The run is kept beside it, so the teacher answers it paid for are not lost.
        if save, let broken = NotebookCommand.newlyFailing(notebook, refreshed) {
            let aside = NotebookCommand.asidePath(path)
            try saveRun(refreshed, workspace, to: aside)
            NotebookCommand.fail(
                "\(file): not saved: cell \(broken) ran cleanly before and fails now; the notebook was not changed. "
                    + "This run, with its \(workspace.state.recording.count) teacher answers, is in \(aside): "
                    + "move it over \(file) to keep it")
            throw ExitCode(70)
        }
        if save { try saveRun(refreshed, workspace, to: path) }
        if refreshed.cells.contains(where: {
            $0.outputs.contains {
                if case .error = $0 { return true }; return false
            }
        }) {
            throw ExitCode(70)
        }
        try TeacherOutcome.checkFailedRequests(workspace.state)
    }

    /// Writes `notebook` with the workspace's recording and teacher to `path`.
    private func saveRun(_ notebook: Notebook, _ workspace: Workspace, to path: String) throws {
        var saved = notebook
        saved.teacherRecording = workspace.teacherRecording
        saved.metadata.teacher = workspace.state.teacherConfiguration ?? saved.metadata.teacher
        try NotebookCommand.write(saved, to: path)
    }
}

/// `fewshot check NB.fsnb`: replays and compares every cell's output with the saved one.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay notebooks and compare each cell's output with the saved one.",
        discussion: """
            Timings, rates and temporary paths are normalised before comparing. Exits 1 on
            any difference, printing a diff per cell.
            Example: fewshot check notebooks/*.fsnb
            """)

    @Argument(help: "The notebooks to check (.fsnb).")
    var notebooks: [String]

    @OptionGroup var limits: ConfinementOptions

    mutating func run() throws {
        var failed = false
        let confinement = limits.confinement
        let watchdog = ResourceWatchdog(limits: confinement.limits, subject: notebooks.joined(separator: " "))
        watchdog.start()
        defer { watchdog.stop() }
        let absolute = notebooks.map(NotebookCommand.absolute)
        for (path, file) in zip(notebooks, absolute) {
            let (notebook, runner, workspace) = try NotebookCommand.prepare(
                file, echo: false, live: false, confinement: confinement)
            let report = try workspace.session.onEvaluationThread { try runner.check(notebook) }
            print(TerminalSafety.neutralize(report.rendered(path: path)), terminator: "")
            failed = failed || !report.passed
        }
        if failed { throw ExitCode(1) }
    }
}

/// `fewshot export NB.fsnb --to ipynb|md`.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a notebook as Jupyter (.ipynb) or Markdown (.md).",
        discussion: "Example: fewshot export notebooks/02-catchphrase-bot.fsnb --to md -o catchphrase.md")

    @Argument(help: "The notebook to export (.fsnb).")
    var notebook: String

    @Option(help: "ipynb or md.")
    var to: String

    @Option(name: .shortAndLong, help: "Where to write (default: the notebook's name with the new extension).")
    var output: String?

    mutating func run() throws {
        let format: ExportFormat
        switch to.lowercased() {
        case "ipynb", "jupyter": format = .ipynb
        case "md", "markdown": format = .markdown
        default: throw ValidationError("unknown export format '\(to)': expected ipynb or md")
        }
        let loaded = try NotebookCommand.load(notebook)
        let path = output ?? (notebook.hasSuffix(".fsnb") ? String(notebook.dropLast(5)) : notebook) + "." + format.fileExtension
        do {
            try loaded.export(to: format, path: path)
        } catch {
            throw ValidationError("cannot write \(path): \(error)")
        }
        print("wrote \(path)")
    }
}

/// What the notebook commands share: loading with clear errors, a workspace in the notebook's folder.
enum NotebookCommand {
    /// The path made absolute against the directory fewshot started in (commands change
    /// directory to each notebook's folder while running it).
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: startDirectory + "/")).standardizedFileURL.path
    }

    static let startDirectory = FileManager.default.currentDirectoryPath

    static func load(_ path: String) throws -> Notebook {
        try checkLimits { try InputLimits.checkNotebook(at: path) }
        do {
            return try Notebook.load(from: path)
        } catch {
            fail("\(error)")
            throw ExitCode(65)
        }
    }

    /// Loads the notebook (an absolute path) and makes a runner whose workspace resolves relative
    /// paths against the notebook's folder.
    /// The teacher answers from the notebook's recording: only from it (offline) unless
    /// `live`, when what is missing is asked for and recorded.
    static func prepare(_ path: String, echo: Bool, live: Bool, confinement: Confinement) throws -> (
        Notebook, NotebookRunner, Workspace
    ) {
        let notebook = try load(path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        FileManager.default.changeCurrentDirectoryPath(folder)
        let recording: RecordingStore
        do {
            recording = try RecordingStore(of: notebook)
        } catch {
            fail("\(path): its teacher recording cannot be read: \(error)")
            throw ExitCode(65)
        }
        let workspace = try Workspace(
            terminal: echo ? .standardOutput : nil, recording: recording, mode: live ? .record : .replay)
        workspace.confine(confinement, folder: folder)
        return (notebook, NotebookRunner(executor: workspace), workspace)
    }

    static func write(_ notebook: Notebook, to path: String) throws {
        do {
            try notebook.save(to: path)
        } catch {
            fail("cannot save \(path): \(error)")
            throw ExitCode(74)
        }
    }

    /// The number (from 1, code cells counted, as `cell-N` in messages) of the first code cell that ran
    /// with no error in `saved` and has an error in `run`.
    static func newlyFailing(_ saved: Notebook, _ run: Notebook) -> Int? {
        func failed(_ cell: Cell) -> Bool { cell.outputs.contains { if case .error = $0 { return true } else { return false } } }
        var number = 0
        for (before, after) in zip(saved.cells, run.cells) where before.kind == .code {
            number += 1
            // A cell never run before (no execution count) has no clean outputs to protect.
            if before.executionCount != nil, !failed(before), failed(after) { return number }
        }
        return nil
    }

    /// Where a run that may not overwrite `path` is saved instead: `NB.new-run.fsnb`.
    static func asidePath(_ path: String) -> String {
        (path.hasSuffix(".fsnb") ? String(path.dropLast(5)) : path) + ".new-run.fsnb"
    }

    /// Exits 65 with the error when a file is past its `InputLimits` size.
    static func checkLimits(_ check: () throws -> Void) throws {
        do {
            try check()
        } catch {
            fail("\(error)")
            throw ExitCode(65)
        }
    }

    /// Writes an error line to standard error (control sequences neutralised: it may quote the file).
    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("error: \(TerminalSafety.neutralize(message))\n".utf8))
    }
}

/// `fewshot import NB.ipynb`: a Jupyter notebook back to `.fsnb`.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a Jupyter notebook (.ipynb) to a fewshot notebook (.fsnb).",
        discussion: """
            Keeps the cells, their outputs and the teacher recording beside the notebook
            (NB.ipynb.teacher, as `fewshot export` and the Jupyter kernel write it), so the
            result replays offline with `fewshot run` and `fewshot check`.
            Example: fewshot import sentiment.ipynb -o sentiment.fsnb
            """)

    @Argument(help: "The notebook to import (.ipynb).")
    var notebook: String

    @Option(name: .shortAndLong, help: "Where to write (default: the notebook's name with .fsnb).")
    var output: String?

    @Flag(help: "Replace the output file when it exists.")
    var force = false

    mutating func run() throws {
        let path = output ?? (notebook.hasSuffix(".ipynb") ? String(notebook.dropLast(6)) : notebook) + ".fsnb"
        if !force && FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path) already exists: choose another with -o, or replace it with --force")
        }
        try NotebookCommand.checkLimits { try InputLimits.checkNotebook(at: notebook) }
        var imported: Notebook
        do {
            imported = try Notebook.importIpynb(from: notebook)
        } catch {
            NotebookCommand.fail("\(error)")
            throw ExitCode(65)
        }
        imported.teacherRecording?.placement = .sidecar
        try NotebookCommand.write(imported, to: path)
        print(
            "wrote \(path) (\(imported.cells.count) cells\(imported.teacherRecording == nil ? "" : ", with the teacher recording"))"
        )
    }
}
