import Notebook

/// A workspace runs notebook cells for `NotebookRunner` (`fewshot run` and `fewshot check`).
extension Workspace: CellExecutor {
    /// Runs the cell; its own errors are outputs. Throws only when the user interrupted the
    /// run, so the runner stops there.
    public func execute(_ request: CellExecutionRequest) throws -> [CellOutput] {
        let outputs = run(request.source, executionCount: request.executionCount)
        if lastExitCode == 130 { throw CellInterrupted() }
        return outputs
    }
}

/// Ctrl-C stopped a cell while a notebook was running.
struct CellInterrupted: Error, CustomStringConvertible {
    var description: String { "interrupted" }
}
