import Language

extension PlotBuiltin {
    /// `clear_output()`: forget what the cell showed so far, to redraw a status in place.
    static let clearOutput = Builtin(
        "clear_output", [], category: "plots",
        doc: """
            Forgets what the cell has shown so far: the notebook keeps only what comes after, and
            Jupyter clears the cell's output on the page (a terminal cannot take back what it printed,
            so there it does nothing). For a status redrawn in a loop.
            Example: for round in range(3) { clear_output(); print("round", round) }
            """
    ) { _, ctx in
        ctx.emit(.clear)
        return .nil
    }
}
