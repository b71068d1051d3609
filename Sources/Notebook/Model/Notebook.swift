/// A fewshot notebook: its header metadata, its cells in order, and the teacher exchanges
/// recorded while it ran. Stored as a `.fsnb` file (docs/fsnb.md).
///
///     var notebook = Notebook(metadata: NotebookMetadata(fewshotVersion: "0.1.0"))
///     notebook.append(.text, source: "# Sentiment from ten shots")
///     let cell = notebook.append(.code, source: "let shots = sample(tweets, 10)")
///     try notebook.save(to: "sentiment.fsnb")
///
///     let again = try Notebook.load(from: "sentiment.fsnb")
///     again.cells.count          // 2
///     again.cell(id: cell.id)    // the code cell
public struct Notebook: Hashable, Sendable {
    /// The format version the notebook was read as (`FormatVersion.current` for a new one).
    /// Saving writes the larger of this and the current version, so that entries a newer
    /// fewshot wrote and this one kept are still announced.
    public internal(set) var formatVersion: FormatVersion
    /// The header: fewshot's version, the teacher configuration, other entries.
    public var metadata: NotebookMetadata
    /// The cells, in the order they run.
    public var cells: [Cell]
    /// The teacher exchanges recorded by the Teacher layer, or nil when there are none.
    public var teacherRecording: TeacherRecording?

    /// An empty notebook.
    public init(metadata: NotebookMetadata = NotebookMetadata(), cells: [Cell] = [], teacherRecording: TeacherRecording? = nil) {
        self.formatVersion = .current
        self.metadata = metadata
        self.cells = cells
        self.teacherRecording = teacherRecording
    }

    /// Appends a new cell with a fresh id that no other cell of this notebook has, and
    /// returns it.
    ///
    ///     let cell = notebook.append(.code, source: "print(1)")
    @discardableResult
    public mutating func append(_ kind: Cell.Kind, source: String) -> Cell {
        var id = Cell.newID()
        while cells.contains(where: { $0.id == id }) { id = Cell.newID() }
        let cell = Cell(id: id, kind: kind, source: source)
        cells.append(cell)
        return cell
    }

    /// Appends `cell` as it is; throws when its id is malformed or already used.
    ///
    ///     try notebook.append(Cell(id: "intro", kind: .text, source: "# Hello"))
    public mutating func append(_ cell: Cell) throws(NotebookError) {
        guard Cell.isValidID(cell.id) else { throw .invalidCellID(cell.id) }
        guard !cells.contains(where: { $0.id == cell.id }) else { throw .duplicateCellID(cell.id) }
        if cell.kind == .text && !cell.outputs.isEmpty {
            throw .invalidCell(id: cell.id, reason: "a text cell has no outputs")
        }
        cells.append(cell)
    }

    /// The cell with id `id`, if there is one.
    public func cell(id: String) -> Cell? {
        cells.first { $0.id == id }
    }

    /// The index in `cells` of the cell with id `id`, if there is one.
    public func index(ofCell id: String) -> Int? {
        cells.firstIndex { $0.id == id }
    }
}
