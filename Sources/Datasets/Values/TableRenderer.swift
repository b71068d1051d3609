import Chat

/// Draws a dataset as a text table for a terminal: the first rows, aligned with box-drawing
/// characters, long cells cut with an ellipsis, a type line under the header, then the row
/// count and the label distribution. Plain text: the caller adds colour if it wants.
///
/// ```
/// ┌───┬──────────────────────┬──────────┐
/// │ # │ text                 │ label    │
/// │   │ string               │ string   │
/// ├───┼──────────────────────┼──────────┤
/// │ 0 │ love this phone      │ positive │
/// └───┴──────────────────────┴──────────┘
/// 1 row · label: positive 1 (100%)
/// ```
public struct TableRenderer: Sendable {
    /// How many rows to draw.
    public var maxRows: Int
    /// The widest a cell may be, in terminal columns, before it is cut with `…`.
    public var maxCellWidth: Int

    /// A renderer; defaults suit an 80-to-120-column terminal.
    public init(maxRows: Int = 10, maxCellWidth: Int = 40) {
        self.maxRows = maxRows
        self.maxCellWidth = max(2, maxCellWidth)
    }

    /// The table text (lines joined by `\n`, no trailing newline).
    public func render(_ data: Dataset) -> String {
        let names = data.schema.names
        let shown = Array(data.rows.prefix(maxRows))
        var header = ["#"] + names.map { fit($0) }
        var types = [""] + data.schema.columns.map { fit($0.typeName) }
        var body = shown.enumerated().map { n, row in [String(n)] + names.map { fit(Self.cellText(row[$0])) } }
        if names.isEmpty {
            header = ["#"]
            types = [""]
            body = shown.indices.map { [String($0)] }
        }
        let widths = header.indices.map { c in
            ([header[c], types[c]] + body.map { $0[c] }).map(Self.displayWidth).max() ?? 1
        }
        func line(_ l: String, _ m: String, _ r: String) -> String {
            l + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: m) + r
        }
        func cells(_ values: [String], rightAlign: Set<Int> = []) -> String {
            "│"
                + values.indices.map { c in
                    let pad = String(repeating: " ", count: widths[c] - Self.displayWidth(values[c]))
                    return " " + (rightAlign.contains(c) ? pad + values[c] : values[c] + pad) + " "
                }.joined(separator: "│") + "│"
        }
        let numeric = Set(
            [0] + data.schema.columns.enumerated().filter { [.int, .double].contains($0.element.type) }.map { $0.offset + 1 })
        var out = [line("┌", "┬", "┐"), cells(header), cells(types), line("├", "┼", "┤")]
        out += body.map { cells($0, rightAlign: numeric) }
        out.append(line("└", "┴", "┘"))
        out.append(footer(data, shown: shown.count))
        return out.joined(separator: "\n")
    }

    /// The first `maxRows` rows as cells of text (`#` first), uncut, for a front end that draws
    /// the table itself (HTML in Jupyter); the footer line as the caption.
    public func cells(_ data: Dataset) -> (columns: [String], rows: [[String]], caption: String) {
        let names = data.schema.names
        let shown = Array(data.rows.prefix(maxRows))
        let rows = shown.enumerated().map { n, row in [String(n)] + names.map { Self.cellText(row[$0]) } }
        return (["#"] + names, rows, footer(data, shown: shown.count))
    }

    private func footer(_ data: Dataset, shown: Int) -> String {
        var parts = ["\(data.count) row\(data.count == 1 ? "" : "s")"]
        if shown < data.count { parts[0] += " (showing the first \(shown))" }
        let dist = data.labelDistribution
        if let column = data.labelColumn, !dist.isEmpty {
            let total = dist.reduce(0) { $0 + $1.count }
            let items = dist.map { "\($0.label) \($0.count) (\(Int((100 * Double($0.count) / Double(total)).rounded()))%)" }
            parts.append("\(column): " + items.joined(separator: ", "))
        }
        return parts.joined(separator: " · ")
    }

    /// A cell's text on one line: newlines shown as `⏎`, chat messages as `role: content` pairs.
    static func cellText(_ value: FieldValue?) -> String {
        guard let value else { return "" }
        switch value {
        case .null: return "null"
        case .list(let items) where !items.isEmpty && items.allSatisfy({ ChatMessage.isMessage($0) }):
            return items.map { item -> String in
                guard case .record(let r) = item else { return "" }
                return "\(r["role"]!.text): \(r["content"]!.text)"
            }.joined(separator: " ⏎ ")
        default:
            return value.text.replacingOccurrences("\r\n", with: "⏎").replacingOccurrences("\n", with: "⏎")
                .replacingOccurrences("\t", with: " ")
        }
    }

    /// `text` cut to `maxCellWidth` columns, ending in `…` when cut.
    private func fit(_ text: String) -> String {
        guard Self.displayWidth(text) > maxCellWidth else { return text }
        var out = ""
        var width = 0
        for ch in text {
            let w = Self.width(of: ch)
            if width + w > maxCellWidth - 1 { break }
            out.append(ch)
            width += w
        }
        return out + "…"
    }

    /// Terminal columns `text` takes: East Asian wide characters and emoji count two,
    /// combining marks and other zero-width scalars none.
    public static func displayWidth(_ text: String) -> Int { text.reduce(0) { $0 + width(of: $1) } }

    static func width(of ch: Character) -> Int {
        guard let first = ch.unicodeScalars.first else { return 0 }
        if first.isASCII { return first.value < 0x20 || first.value == 0x7F ? 0 : 1 }
        let v = first.value
        if first.properties.generalCategory == .nonspacingMark || first.properties.generalCategory == .format { return 0 }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
        ]
        if wide.contains(where: { $0.contains(v) }) || first.properties.isEmojiPresentation { return 2 }
        return 1
    }
}

extension ChatMessage {
    /// True when `value` is a `{"role", "content"}` record.
    static func isMessage(_ value: FieldValue) -> Bool {
        guard case .record(let r) = value else { return false }
        return r["role"]?.stringValue != nil && r["content"]?.stringValue != nil
    }
}

extension Dataset {
    /// The dataset as a text table (see `TableRenderer`).
    public func table(maxRows: Int = 10, maxCellWidth: Int = 40) -> String {
        TableRenderer(maxRows: maxRows, maxCellWidth: maxCellWidth).render(self)
    }
}
