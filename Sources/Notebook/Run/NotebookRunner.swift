/// Replays a notebook's code cells in order through a `CellExecutor`, and checks that the
/// fresh outputs match the recorded ones (like doctest or nbval).
///
///     let runner = NotebookRunner(executor: Interpreting())
///     let refreshed = try runner.run(notebook) { index, cell in show(cell.outputs) }
///     try refreshed.save(to: path)                     // `fewshot run --save`
///
///     let report = try NotebookRunner(executor: Interpreting()).check(notebook)
///     print(report.rendered())                         // `fewshot check`
///     exit(report.exitCode)
public struct NotebookRunner {
    /// Runs the cells.
    public var executor: any CellExecutor
    /// Whether stream outputs keep only each line's final progress-bar state
    /// (`ProgressText.collapse`); on by default, so saved notebooks hold summaries.
    public var collapsesProgress: Bool
    private let clock = ContinuousClock()

    /// A runner using `executor`, which should be fresh: cells run in its session state.
    public init(executor: any CellExecutor, collapsesProgress: Bool = true) {
        self.executor = executor
        self.collapsesProgress = collapsesProgress
    }

    /// Thrown when the executor throws: the cell it was running, the notebook refreshed up to
    /// the cell before, and the executor's error.
    public struct Interrupted: Error, CustomStringConvertible {
        /// The id of the cell that was running.
        public var cellID: String
        /// The notebook with the cells before it refreshed, the rest as they were.
        public var partial: Notebook
        /// What the executor threw.
        public var underlying: any Error

        /// `cell ID: what the executor threw`.
        public var description: String { "cell \(cellID): \(underlying)" }
    }

    /// Runs every code cell in order and returns the notebook with fresh outputs, execution
    /// counts (1, 2, ... over the code cells) and durations. Text cells are kept as they are.
    /// `onCell` is called after each code cell with its index in `cells` and its new state.
    public func run(_ notebook: Notebook, onCell: (Int, Cell) -> Void = { _, _ in }) throws -> Notebook {
        var result = notebook
        var count = 0
        for index in result.cells.indices where result.cells[index].kind == .code {
            count += 1
            try run(cellAt: index, in: &result, executionCount: count)
            onCell(index, result.cells[index])
        }
        return result
    }

    /// Runs one code cell of `notebook` and stores its fresh outputs, `executionCount` and
    /// duration in it: what the REPL does with each input it turns into a cell.
    ///
    ///     let cell = notebook.append(.code, source: line)
    ///     try runner.run(cellAt: notebook.cells.count - 1, in: &notebook, executionCount: n)
    ///     try notebook.save(to: sessionPath)              // autosave after every cell
    ///
    /// Throws `Interrupted` (with `notebook` as it was) when the executor throws, and
    /// `NotebookError.invalidCell` for a text cell.
    public func run(cellAt index: Int, in notebook: inout Notebook, executionCount: Int) throws {
        var cell = notebook.cells[index]
        guard cell.kind == .code else { throw NotebookError.invalidCell(id: cell.id, reason: "a text cell does not run") }
        let request = CellExecutionRequest(cellID: cell.id, source: cell.source, executionCount: executionCount)
        let start = clock.now
        let outputs: [CellOutput]
        do {
            outputs = try executor.execute(request)
        } catch {
            throw Interrupted(cellID: cell.id, partial: notebook, underlying: error)
        }
        let elapsed = clock.now - start
        cell.outputs = collapsesProgress ? outputs.map(Self.collapsed) : outputs
        cell.executionCount = executionCount
        // Microseconds are plenty, and keep the saved number short.
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        cell.duration = (seconds * 1e6).rounded() / 1e6
        notebook.cells[index] = cell
    }

    /// Runs the notebook and compares each code cell's fresh outputs with the recorded ones
    /// after `normalizer` (and, when `collapsesProgress`, progress collapsing) on both sides.
    public func check(
        _ notebook: Notebook, normalizer: OutputNormalizer = .standard, onCell: (Int, Cell) -> Void = { _, _ in }
    ) throws -> CheckReport {
        let refreshed = try run(notebook, onCell: onCell)
        var results: [CheckReport.CellResult] = []
        for (index, (recorded, fresh)) in zip(notebook.cells, refreshed.cells).enumerated() where recorded.kind == .code {
            let prepare: (CellOutput) -> CellOutput = { output in
                normalizer.normalize(collapsesProgress ? Self.collapsed(output) : output)
            }
            let before = OutputLines.render(recorded.outputs.map(prepare))
            let after = OutputLines.render(fresh.outputs.map(prepare))
            let diff = LineDiff.unified(before, after)
            results.append(
                CheckReport.CellResult(
                    index: index, cellID: fresh.id, executionCount: fresh.executionCount ?? 0,
                    diff: diff.isEmpty ? nil : diff))
        }
        return CheckReport(cells: results, refreshed: refreshed)
    }

    static func collapsed(_ output: CellOutput) -> CellOutput {
        if case .stream(let stream, let text) = output { return .stream(stream, ProgressText.collapse(text)) }
        return output
    }
}
