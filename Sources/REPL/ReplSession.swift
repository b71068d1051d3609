import Foundation
import Language
import Notebook
import Teacher
import Workbench

/// The interactive loop: reads cells (with continuation lines while input is unfinished),
/// runs them in a kernel, keeps each as a cell of the session's notebook and saves that
/// notebook after every cell, so a crash or a closed terminal loses nothing.
public final class ReplSession {
    private var kernel: Kernel
    private var reader: LineReader
    private let history: HistoryFile
    private var notebook: Notebook
    /// Where the notebook is saved after every cell (nil: not saved, e.g. for piped input).
    public private(set) var notebookPath: String?
    private let out = FileHandle.standardOutput

    /// A session that keeps its cells in the notebook at `notebookPath` (loading and running it
    /// first when it exists).
    public init(kernel: Kernel, reader: LineReader, history: HistoryFile, notebookPath: String?) throws {
        self.kernel = kernel
        self.reader = reader
        self.history = history
        self.notebookPath = notebookPath
        self.notebook = Notebook(metadata: NotebookMetadata(fewshotVersion: Workbench.version))
        if let notebookPath, FileManager.default.fileExists(atPath: notebookPath) {
            try open(notebookPath)
        }
    }

    /// Where an interactive session is saved when no notebook is named:
    /// `$XDG_STATE_HOME/fewshot/sessions/session-YYYYMMDD-HHMMSS.fsnb`.
    public static func defaultNotebookPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let folder = HistoryFile.defaultPath(environment: environment).deletingLastPathComponent()
            .appendingPathComponent("sessions")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return folder.appendingPathComponent("session-\(formatter.string(from: Date())).fsnb").path
    }

    /// Starts the REPL on standard input: libedit with history and completion on a terminal
    /// (the session saved to `notebookPath`, or a new file under the state folder), plain
    /// lines otherwise (nothing saved unless a path is given). Ctrl-C stops the running cell.
    public static func start(notebookPath: String?) throws {
        let interactive = isatty(0) == 1
        let history = HistoryFile()
        let kernel = try Kernel(terminal: .standardOutput)
        kernel.colorDiagnostics = interactive && isatty(2) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let path = notebookPath ?? (interactive ? defaultNotebookPath() : nil)
        let repl = try ReplSession(kernel: kernel, reader: PlainLineReader(), history: history, notebookPath: path)
        if interactive {
            repl.reader = EditLineReader(history: history) { [unowned repl] line, word, start in
                repl.completions(line: line, word: word, wordStart: start)
            }
        }
        let interrupts = InterruptHandler { [unowned repl] in repl.kernel.session.cancel() }
        repl.run()
        withExtendedLifetime(interrupts) {}
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

    /// Completion candidates for the word being typed: `:commands`, record/host fields after
    /// a dot, named arguments inside a call, otherwise names in scope and built-ins.
    public func completions(line: String, word: String, wordStart: Int) -> [String] {
        let before = String(decoding: line.utf8.prefix(wordStart), as: UTF8.self)
        if before.trimmingCharacters(in: .whitespaces).isEmpty, line.hasPrefix(":") || word.hasPrefix(":") {
            return ReplCommand.all.map { ":" + $0.name }.filter { $0.hasPrefix(word) || ":" + word == $0 }
        }
        // libedit may hand over `d.cou` as one word: complete the field after the last dot.
        if let dot = word.lastIndex(of: "."), !word.hasPrefix(":") {
            let objectName = String(word[..<dot]), fieldPrefix = String(word[word.index(after: dot)...])
            guard let value = kernel.session.global(objectName) else { return [] }
            return fieldNames(of: value).filter { $0.hasPrefix(fieldPrefix) }.map { objectName + "." + $0 }
        }
        if before.hasSuffix("."), let object = before.dropLast().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).last,
           let value = kernel.session.global(String(object)) {
            return fieldNames(of: value).filter { $0.hasPrefix(word) }
        }
        var names = kernel.session.globalNames
        if let callee = openCallee(before), let builtin = kernel.session.builtins[callee] {
            names = builtin.parameters.map { $0.name + ": " } + names
        }
        return names.filter { $0.hasPrefix(word) }
    }

    // MARK: Cells

    private func readCell() -> String? {
        var buffer = ""
        while true {
            let number = notebook.cells.count + 1
            let prompt = buffer.isEmpty ? "fewshot [\(number)]> " : String(repeating: " ", count: "fewshot [\(number)]".count - 3) + "...> "
            guard let line = reader.readLine(prompt: prompt) else {
                return buffer.isEmpty ? nil : buffer
            }
            buffer += buffer.isEmpty ? line : "\n" + line
            if buffer.trimmingCharacters(in: .whitespaces).isEmpty { buffer = ""; continue }
            if buffer.hasPrefix(":") || !Session.isIncomplete(buffer) {
                reader.remember(buffer)
                return buffer
            }
        }
    }

    private func runCell(_ source: String) {
        var cell = Cell(kind: .code, source: source)
        cell.executionCount = notebook.cells.count + 1
        let started = Date()
        cell.outputs = kernel.run(source, executionCount: cell.executionCount!)
        cell.duration = (Date().timeIntervalSince(started) * 1e6).rounded() / 1e6
        notebook.cells.append(cell)
        autosave()
    }

    private func autosave() {
        guard let notebookPath else { return }
        notebook.teacherRecording = kernel.teacherRecording
        do {
            try notebook.save(to: notebookPath)
        } catch {
            say("warning: could not save \(notebookPath): \(error)")
        }
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
            if !command.argument.isEmpty { notebookPath = command.argument }
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
            for (i, cell) in notebook.cells.enumerated() {
                let first = cell.source.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
                say(TerminalSafety.neutralize("[\(i + 1)] \(first)\(cell.source.contains("\n") ? " …" : "")"))
            }
        case "show":
            if let index = cellIndex(command.argument) {
                let cell = notebook.cells[index]
                say(TerminalSafety.neutralize(cell.source))
                for output in cell.outputs { out.write(Data(TerminalSafety.neutralize(text(of: output)).utf8)) }
            }
        case "rerun":
            if let index = cellIndex(command.argument) { rerun(index, source: notebook.cells[index].source) }
        case "edit":
            if let index = cellIndex(command.argument), let edited = edit(notebook.cells[index].source) {
                rerun(index, source: edited)
            }
        case "reset":
            do {
                kernel = try Kernel(terminal: kernel.terminal)
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
            _ = kernel.plan(command.argument, executionCount: notebook.cells.count + 1)
        case "usage":
            say(UsageObject(kernel.state.meter).display ?? "")
        default:
            say("':\(spec.name)' is not available here")
        }
        return true
    }

    private func help(_ name: String) -> String {
        if !name.isEmpty {
            if let builtin = kernel.session.builtins[name] { return builtin.help }
            return "no built-in named '\(name)'"
        }
        var lines = ["Commands:"]
        for spec in ReplCommand.all {
            lines.append("  :\(spec.name)\(spec.arguments.isEmpty ? "" : " " + spec.arguments)".padding(toLength: 20, withPad: " ", startingAt: 0) + spec.summary)
        }
        let byCategory = Dictionary(grouping: kernel.session.builtins.all, by: \.category)
        lines.append("Built-ins (help(\"name\") or :help name for one):")
        for category in byCategory.keys.sorted() {
            lines.append("  \(category): " + byCategory[category]!.map(\.name).joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    private func rerun(_ index: Int, source: String) {
        var cell = notebook.cells[index]
        cell.source = source
        let started = Date()
        cell.outputs = kernel.run(source, executionCount: index + 1)
        cell.duration = (Date().timeIntervalSince(started) * 1e6).rounded() / 1e6
        notebook.cells[index] = cell
        autosave()
    }

    /// Opens `path` in `$EDITOR` (default `vi`) with `source`; the edited text, or nil.
    private func edit(_ source: String) -> String? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-cell-\(UUID().uuidString).shot")
        defer { try? FileManager.default.removeItem(at: file) }
        do { try source.write(to: file, atomically: true, encoding: .utf8) } catch { return nil }
        let editor = ProcessInfo.processInfo.environment["EDITOR"] ?? "vi"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(editor) \"$1\"", "sh", file.path]
        do { try process.run() } catch { say("could not start \(editor): \(error)"); return nil }
        process.waitUntilExit()
        return try? String(contentsOf: file, encoding: .utf8)
    }

    private func cellIndex(_ argument: String) -> Int? {
        guard let n = Int(argument), n >= 1, n <= notebook.cells.count else {
            say("no cell '\(argument)': cells are numbered 1 to \(notebook.cells.count)")
            return nil
        }
        return n - 1
    }

    /// Loads a notebook and runs its code cells, so its names are defined here.
    private func open(_ path: String) throws {
        let loaded = try Notebook.load(from: path)
        let recording = try loaded.teacherRecording.map { try RecordingStore(data: Data($0.content)) } ?? RecordingStore()
        kernel = try Kernel(terminal: kernel.terminal, recording: recording)
        notebook = loaded
        var count = 0
        for (i, cell) in notebook.cells.enumerated() where cell.kind == .code {
            count += 1
            notebook.cells[i].outputs = kernel.run(cell.source, executionCount: i + 1)
        }
        say("loaded \(path): ran \(count) code cells")
    }

    private func fieldNames(of value: Value) -> [String] {
        switch value {
        case .record(let record): return Array(record.fields.keys)
        case .host(let object): return object.fieldNames
        default: return []
        }
    }

    /// The name of the innermost call still open before the cursor: `f` in `f(x, n`.
    private func openCallee(_ text: String) -> String? {
        var depth = 0
        var index = text.endIndex
        while index > text.startIndex {
            index = text.index(before: index)
            switch text[index] {
            case ")": depth += 1
            case "(":
                if depth == 0 {
                    let name = text[..<index].reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                    return name.isEmpty ? nil : String(name.reversed())
                }
                depth -= 1
            default: break
            }
        }
        return nil
    }

    private func text(of output: CellOutput) -> String {
        switch output {
        case .stream(_, let text), .table(let text): return text
        case .svg: return "[plot]\n"
        case .png: return "[image]\n"
        case .error(_, let diagnostic): return diagnostic
        case .unrecognized(let u): return "[\(u.kind)]\n"
        }
    }

    private func say(_ text: String) {
        out.write(Data((text + "\n").utf8))
    }
}
