import Language
import Notebook

/// One piece of a cell's output as it is produced, for `Workspace.onOutput`.
///
/// Text comes piece by piece (`print` by `print`), as `.stream(.stdout, text)`; the cell's
/// saved outputs merge it. `isResult` marks the display of the cell's final value (what
/// Jupyter calls the execute result).
public struct LiveOutput {
    /// The output, as the notebook keeps it.
    public var output: CellOutput
    /// Whether this shows the cell's final value.
    public var isResult: Bool
    /// The table's rows and columns, when the output is a table drawn from them (a front
    /// end may draw it as HTML).
    public var table: TableOutput?
    /// True for `clear_output()`: forget what the cell showed so far (`output` is empty).
    public var clears: Bool

    /// A piece of output.
    public init(output: CellOutput, isResult: Bool, table: TableOutput? = nil, clears: Bool = false) {
        self.output = output
        self.isResult = isResult
        self.table = table
        self.clears = clears
    }
}
