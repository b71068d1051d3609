#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One piece of output from a cell: plain text from `print`, or a rich item from a built-in.
public enum OutputItem: Sendable, Equatable {
    /// Text, including its trailing newline when `print` wrote one.
    case text(String)
    /// Text for standard error (`warn`): a warning or a note to the reader, kept apart from
    /// the results (a notebook cell keeps it as its stderr stream).
    case warning(String)
    /// A table (e.g. the first rows of a dataset).
    case table(TableOutput)
    /// An image as SVG source (e.g. a loss curve), with a one-line text alternative.
    case svg(String, alt: String)
    /// A line about the moment rather than the result (what is recorded so far, say): shown on
    /// a terminal, never kept with a notebook cell, so a replay need not reproduce it.
    case note(String)
    /// What the user typed at the terminal, as the cell's output shows it (`User: hi`): kept
    /// with a notebook cell, not shown again on the terminal, where the typed line already is.
    case typed(String)
    /// Forget what the cell showed so far (`clear_output()`): a notebook cell drops its outputs
    /// up to here, Jupyter clears them from the page; a terminal cannot take back what it
    /// printed and shows nothing.
    case clear

    /// How the item reads in a plain terminal.
    public var plainText: String {
        switch self {
        case .text(let s): return s
        case .warning(let s): return s
        case .table(let t): return t.plainText
        case .svg(_, let alt): return "[plot: \(alt)]\n"
        case .note(let s): return s
        case .typed(let s): return s
        case .clear: return ""
        }
    }
}

/// A table of strings with column headers.
public struct TableOutput: Sendable, Equatable {
    public var title: String?
    public var columns: [String]
    public var rows: [[String]]

    public init(title: String? = nil, columns: [String], rows: [[String]]) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    /// Columns padded to a common width, a rule under the header.
    public var plainText: String {
        var widths = columns.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == cells.count - 1 ? c : c + String(repeating: " ", count: max(0, widths[min(i, widths.count - 1)] - c.count))
            }.joined(separator: "  ") + "\n"
        }
        var out = title.map { $0 + "\n" } ?? ""
        out += line(columns)
        out += line(widths.map { String(repeating: "-", count: $0) })
        for row in rows { out += line(row) }
        return out
    }
}

/// Where output goes. The host sets one on the session: the CLI writes to stdout, a notebook
/// collects the items of each cell. Called on the evaluating thread.
public protocol OutputSink: AnyObject {
    func emit(_ item: OutputItem)
}

/// Writes every item's plain text to standard output (warnings to standard error).
public final class StandardOutputSink: OutputSink {
    public init() {}
    public func emit(_ item: OutputItem) {
        let stream = item.isWarning ? stderr : stdout
        fputs(item.plainText, stream)
        fflush(stream)
    }
}

extension OutputItem {
    /// Whether the item goes to standard error (`warn`).
    public var isWarning: Bool {
        if case .warning = self { return true }
        return false
    }
}

/// Keeps every item in memory (for tests and notebook cells).
public final class CapturingOutputSink: OutputSink, @unchecked Sendable {
    public private(set) var items: [OutputItem] = []
    public init() {}
    public func emit(_ item: OutputItem) { items.append(item) }
    /// All items' plain text, concatenated.
    public var text: String { items.map(\.plainText).joined() }
    /// Forgets what was captured.
    public func clear() { items.removeAll() }
}
