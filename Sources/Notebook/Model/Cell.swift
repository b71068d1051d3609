/// One cell of a notebook: a piece of fewshot code with what it printed, or a text cell of
/// Markdown explanation for the reader.
///
///     var cell = Cell(kind: .code, source: "print(1 + 1)")
///     cell.outputs = [.stream(.stdout, "2\n")]
///     cell.executionCount = 1
public struct Cell: Hashable, Sendable {
    /// What a cell holds.
    public enum Kind: String, Hashable, Sendable {
        /// fewshot code, run by a `CellExecutor`.
        case code
        /// Markdown text for the reader; never run, never has outputs.
        case text
    }

    /// A stable identifier, unique in its notebook: 1 to 64 of `[A-Za-z0-9_-]` (the same rule
    /// as Jupyter's cell ids, so it carries over to ipynb exports unchanged).
    public var id: String
    /// Code or text.
    public var kind: Kind
    /// The cell's source, exactly as typed (any Unicode, any line endings).
    public var source: String
    /// What the cell produced when it last ran (always empty for text cells).
    public var outputs: [CellOutput]
    /// The cell's number in the run that produced its outputs (the `[3]` of `fewshot [3]>`);
    /// nil when the cell has not run.
    public var executionCount: Int?
    /// How long the cell took when it last ran, in seconds; nil when it has not run.
    public var duration: Double?
    /// Attributes of the cell line written by a newer fewshot, kept and written back.
    public var extraAttributes: [Attribute]

    /// A cell. Without an `id`, a fresh random one is made (`Cell.newID()`).
    public init(
        id: String = Cell.newID(), kind: Kind, source: String, outputs: [CellOutput] = [],
        executionCount: Int? = nil, duration: Double? = nil, extraAttributes: [Attribute] = []
    ) {
        self.id = id
        self.kind = kind
        self.source = source
        self.outputs = outputs
        self.executionCount = executionCount
        self.duration = duration
        self.extraAttributes = extraAttributes
    }

    /// A fresh random cell id: 12 lower-case hex digits.
    ///
    ///     Cell.newID()   // "3f9c0a1b7d2e"
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() & 0xFFFF_FFFF_FFFF
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 12 - digits.count) + digits
    }

    /// Whether `id` follows the cell id rule: 1 to 64 of `[A-Za-z0-9_-]`.
    public static func isValidID(_ id: String) -> Bool {
        let utf8 = id.utf8
        return !utf8.isEmpty && utf8.count <= 64
            && utf8.allSatisfy {
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
                    || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                    || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            }
    }
}
