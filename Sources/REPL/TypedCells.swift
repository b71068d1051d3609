import Notebook
import Workbench

/// The workspace as the executor of cells typed at the REPL, so `NotebookRunner` numbers, times
/// and keeps them as it does the cells of `fewshot run`. Unlike a notebook's run, a cell stopped
/// by Ctrl-C keeps its outputs and the session goes on (it never throws).
final class TypedCells: CellExecutor {
    let workspace: Workspace

    init(workspace: Workspace) { self.workspace = workspace }

    func execute(_ request: CellExecutionRequest) -> [CellOutput] {
        workspace.run(request.source, executionCount: request.executionCount)
    }
}
