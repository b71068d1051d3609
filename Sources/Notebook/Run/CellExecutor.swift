/// Runs the source of code cells, one after another, in one session whose state (names,
/// models, data) carries from cell to cell. The Notebook layer knows nothing of the fewshot
/// language: the layer above implements this protocol with the interpreter and the
/// built-ins, and hands it to `NotebookRunner`.
///
///     extension Workspace: CellExecutor {   // the Workbench's, in short
///         public func execute(_ request: CellExecutionRequest) throws -> [CellOutput] {
///             let outputs = run(request.source, executionCount: request.executionCount)
///             // -> [.stream(.stdout, "..."), .error(message: ..., diagnostic: ...)]
///             if lastExitCode == 130 { throw CellInterrupted() }   // Ctrl-C stops the runner
///             return outputs
///         }
///     }
public protocol CellExecutor: AnyObject {
    /// Runs one cell and returns what it produced, in order. A failure of the cell's own code
    /// (a syntax or runtime error) is an output, `.error(message:diagnostic:)`, and the
    /// runner goes on; throw only when the session itself cannot go on (it was cancelled,
    /// or a resource it needs is gone): the runner then stops and rethrows.
    func execute(_ request: CellExecutionRequest) throws -> [CellOutput]
}

/// What `CellExecutor.execute` is asked to run.
public struct CellExecutionRequest: Hashable, Sendable {
    /// The cell's stable id.
    public var cellID: String
    /// The cell's source.
    public var source: String
    /// The cell's number in this run, from 1: the `[3]` of `fewshot [3]>` and the `3` of
    /// `cell-3:2:13` in diagnostics.
    public var executionCount: Int

    /// A request to run `source`.
    public init(cellID: String, source: String, executionCount: Int) {
        self.cellID = cellID
        self.source = source
        self.executionCount = executionCount
    }
}
