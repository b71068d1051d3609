/// One item a code cell produced, in the order it produced them.
///
///     let outputs: [CellOutput] = [
///         .stream(.stdout, "accuracy 0.82\n"),
///         .table("┌───┬───┐\n│ a │ b │\n└───┴───┘\n"),
///         .error(message: "unknown name 'modle'", diagnostic: "cell-3:1:1: error: unknown name 'modle'\n"),
///     ]
public enum CellOutput: Hashable, Sendable {
    /// Which stream a piece of plain text was printed to.
    public enum Stream: String, Hashable, Sendable, CaseIterable {
        /// Standard output: what `print` writes.
        case stdout
        /// Standard error: warnings and notes.
        case stderr
    }

    /// Plain text printed by the cell (progress bars collapsed, see `ProgressText`).
    case stream(Stream, String)
    /// A table rendered as text (box drawing), as the terminal showed it.
    case table(String)
    /// A plot as an SVG document.
    case svg(String)
    /// A picture as PNG bytes (stored base64 in the file).
    case png([UInt8])
    /// An error: the one-line message and the rendered diagnostic (source line, caret, notes,
    /// call stack) exactly as the terminal showed it.
    case error(message: String, diagnostic: String)
    /// An output kind written by a newer fewshot (format 1.x with x above ours): kept as it
    /// was read and written back unchanged, never shown or compared.
    case unrecognized(UnrecognizedOutput)

    /// A short name of the output's kind, as in the file (`stream`, `table`, `svg`, ...).
    public var kindName: String {
        switch self {
        case .stream: return "stream"
        case .table: return "table"
        case .svg: return "svg"
        case .png: return "png"
        case .error: return "error"
        case .unrecognized(let u): return u.kind
        }
    }
}

/// An output block of a kind this version of fewshot does not know, kept verbatim.
public struct UnrecognizedOutput: Hashable, Sendable {
    /// The block's kind, the word after `---`.
    public var kind: String
    /// The rest of the block line after the kind, as written.
    public var header: String
    /// The block's body content.
    public var body: [UInt8]
}

extension CellOutput {
    /// The output as terminal text: streams and tables as written, a diagnostic as rendered,
    /// `[plot]` or `[image]` for pictures (what the REPL prints when it reloads a notebook, and
    /// what the Jupyter kernel keeps in its history).
    public var plainText: String {
        switch self {
        case .stream(_, let text), .table(let text): return text
        case .svg: return "[plot]\n"
        case .png: return "[image]\n"
        case .error(_, let diagnostic): return diagnostic
        case .unrecognized(let u): return "[\(u.kind)]\n"
        }
    }
}
