import Foundation
import Language
import Notebook
import Teacher
import Workbench

/// The kernel's side of the notebook: the workspace cells run in, the execution count, the
/// history, and the teacher recording kept next to the notebook so it replays offline.
///
/// The recording is `NOTEBOOK.teacher` beside the notebook Jupyter names in
/// `JPY_SESSION_NAME` (or `:notebook PATH` names), appended to as the teacher answers:
/// `fewshot import NOTEBOOK.ipynb` and a headless run (nbclient) read the same file.
public final class KernelCells {
    /// The workspace the cells run in.
    public private(set) var workspace: Workspace
    /// The notebook whose recording the teacher uses (nil: none named; answers kept in memory).
    public private(set) var notebookPath: String?
    /// The `In [N]` of the last cell that counted.
    public internal(set) var executionCount = 0
    /// Every cell run with history kept, in order.
    public internal(set) var history = HistoryLog()
    private let confinement: Confinement?
    private let folder: String
    private var ranCode = false
    /// The cell running now (its number among the cells run), for `interrupt()`.
    private var running: Int?
    private var started = 0
    private let lock = NSLock()

    /// Cells confined as `fewshot run` confines a notebook's (nil: not confined), in `folder`
    /// (relative paths resolve there); the teacher recording beside `notebookPath`.
    public init(notebookPath: String?, folder: String, confinement: Confinement?) throws {
        self.confinement = confinement
        self.folder = folder
        self.notebookPath = notebookPath
        self.workspace = try KernelCells.workspace(notebookPath: notebookPath, folder: folder, confinement: confinement)
    }

    /// The notebook Jupyter runs the kernel for, from `JPY_SESSION_NAME` (JupyterLab, VS Code;
    /// set it by hand for nbclient): an absolute path as it is, otherwise its file name in
    /// `folder` (Jupyter starts the kernel in the notebook's folder).
    public static func notebookPath(environment: [String: String], folder: String) -> String? {
        guard let name = environment["JPY_SESSION_NAME"], !name.isEmpty else { return nil }
        if name.hasPrefix("/") { return name }
        return URL(fileURLWithPath: folder).appendingPathComponent((name as NSString).lastPathComponent).path
    }

    /// Stops the running cell as Ctrl-C does at the REPL: it ends with an "interrupted" error
    /// and every name defined so far is kept. Safe from any thread.
    ///
    /// A session forgets a stop asked for before its evaluation began (so a Ctrl-C between
    /// cells cannot stop the next one); an interrupt that lands while the cell is still being
    /// compiled is asked again every 50 ms, for up to two seconds, while that same cell runs.
    public func interrupt() {
        let session = workspace.session
        session.cancel()
        guard let cell = current() else { return }
        Thread.detachNewThread { [weak self] in
            for _ in 0..<40 {
                usleep(50_000)
                guard let self, self.current() == cell else { return }
                session.cancel()
            }
        }
    }

    private func current() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    private func setRunning(_ cell: Int?) {
        lock.lock()
        running = cell
        lock.unlock()
    }

    /// Runs a cell; outputs go to `onOutput` as they come.
    func run(_ source: String, count: Int, onOutput: @escaping (LiveOutput) -> Void) -> (outputs: [CellOutput], failed: Bool) {
        ranCode = true
        started += 1
        setRunning(started)
        defer { setRunning(nil) }
        workspace.onOutput = onOutput
        defer { workspace.onOutput = nil }
        let before = workspace.state.recording.count
        let outputs = workspace.run(source, executionCount: count)
        if workspace.state.recording.count != before { keepRecording() }
        return (outputs, workspace.lastExitCode != 0)
    }

    /// `:notebook PATH`: keep the teacher's answers beside PATH from now on (and answer from
    /// what is recorded there). Only before the first cell that runs code, since it starts a
    /// new workspace.
    func attach(notebook path: String) throws -> String {
        guard !ranCode else {
            throw KernelError(
                ":notebook must come before the first cell that runs code (it starts a new session): restart the kernel and run it first"
            )
        }
        let absolute = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: folder + "/")).standardizedFileURL.path
        // The recording is written as the cells' own files are: only where they may write.
        _ = try workspace.session.fileAccess.resolve(
            TeacherRecording.sidecarPath(forNotebookAt: absolute), mode: .write, relativeTo: folder)
        workspace = try KernelCells.workspace(notebookPath: absolute, folder: folder, confinement: confinement)
        notebookPath = absolute
        return "teacher answers are recorded in \(TeacherRecording.sidecarPath(forNotebookAt: absolute)) "
            + "(\(workspace.state.recording.count) there now)"
    }

    /// Saves the answers recorded so far beside the notebook. A recording file that was there
    /// when the kernel started is appended to as answers come; a new one is written after
    /// each cell that added answers (so opening a notebook never leaves an empty file).
    private func keepRecording() {
        let recording = workspace.state.recording
        if recording.path != nil {
            try? recording.sync()
        } else if let notebookPath {
            do {
                try recording.write(to: TeacherRecording.sidecarPath(forNotebookAt: notebookPath))
            } catch {
                FileHandle.standardError.write(Data("fewshot kernel: the teacher's answers were not saved: \(error)\n".utf8))
            }
        }
    }

    private static func workspace(notebookPath: String?, folder: String, confinement: Confinement?) throws -> Workspace {
        var recording = RecordingStore()
        if let notebookPath, FileManager.default.fileExists(atPath: TeacherRecording.sidecarPath(forNotebookAt: notebookPath)) {
            recording = try RecordingStore(path: TeacherRecording.sidecarPath(forNotebookAt: notebookPath))
        }
        let workspace = try Workspace(terminal: nil, recording: recording, mode: .record)
        if let confinement { workspace.confine(confinement, folder: folder) }
        workspace.state.rerunAdvice =
            notebookPath == nil
            ? "they are kept only while the kernel runs: name the notebook with `:notebook PATH` in the first cell to keep them"
            : "running the cell again asks only for what is missing"
        return workspace
    }
}
