/// Where progress bars go while they run, when not to the terminal: a front end that draws
/// them itself (the Jupyter kernel, as an updating display) sets `LiveProgress.display`.
///
/// One per process: a process runs one workspace's cells at a time.
public enum LiveProgress {
    /// The display that receives every redraw and the end of each bar (nil: the terminal's
    /// error stream, when it is a terminal).
    nonisolated(unsafe) public static var display: LiveProgressDisplay?
}

/// Receives progress bars as they are redrawn.
public protocol LiveProgressDisplay: AnyObject {
    /// Bar `id` (unique in the process) now reads `line` (`train ███░░ 30/100 loss 1.23`).
    func progress(_ id: Int, line: String)
    /// Bar `id` finished; its final line goes to the cell's output as usual.
    func progressFinished(_ id: Int)
}
