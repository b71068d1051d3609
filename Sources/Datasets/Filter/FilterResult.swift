import JSONText

/// A row a filter dropped, and why.
public struct DroppedRow: Hashable, Sendable {
    /// Its position in the filter's input.
    public var index: Int
    /// The row.
    public var row: Row
    /// The name of the rule that dropped it.
    public var rule: String
    /// The detail (e.g. "ROUGE-L 0.82 with row 17").
    public var reason: String
}

/// One step of the funnel: a rule, the rows it saw and the rows it dropped.
public struct FunnelStage: Hashable, Sendable {
    /// The rule's name.
    public var rule: String
    /// Rows that reached the rule.
    public var rowsIn: Int
    /// Rows it dropped.
    public var dropped: Int
    /// The first row it dropped, if any.
    public var example: DroppedRow?
}

/// What `filter` returns: the kept rows, every dropped row with its rule, and the funnel.
public struct FilterResult: Sendable {
    /// The rows that passed every rule, in their original order.
    public let kept: Dataset
    /// The dropped rows, in their original order.
    public let dropped: [DroppedRow]
    /// One stage per rule, in the order they ran.
    public let stages: [FunnelStage]
    /// Rows in.
    public let rowsIn: Int

    /// The funnel as text: rows in, each rule's drops with an example, rows out.
    ///
    /// ```
    /// filter: 200 rows in
    ///   - exact duplicate                        12  e.g. "User: hi ⏎ Bot: hello aha cheers !"
    ///   - near-duplicate (ROUGE-L > 0.7)         31  e.g. "…" (ROUGE-L 0.83 with row 4)
    /// 157 rows out (78.5% kept)
    /// ```
    public func report(exampleWidth: Int = 60) -> String {
        var lines = ["filter: \(rowsIn) row\(rowsIn == 1 ? "" : "s") in"]
        let nameWidth = stages.map { $0.rule.count }.max() ?? 0
        let countWidth = stages.map { String($0.dropped).count }.max() ?? 1
        for s in stages {
            var line =
                "  - " + s.rule.padding(nameWidth) + "  " + String(repeating: " ", count: countWidth - String(s.dropped).count)
                + String(s.dropped)
            if let e = s.example {
                let text = TableRenderer.cellText(.string(e.row.text()))
                let cut = text.count > exampleWidth ? String(text.prefix(exampleWidth - 1)) + "…" : text
                line += "  e.g. \(cut.reportQuoted)" + (e.reason.isEmpty ? "" : " (\(e.reason))")
            }
            lines.append(line)
        }
        let out = kept.count
        let pct = rowsIn == 0 ? 100 : 100 * Double(out) / Double(rowsIn)
        lines.append("\(out) row\(out == 1 ? "" : "s") out (\(String(format1: pct))% kept)")
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }

    /// The text in double quotes as a report shows it: JSON's quoting, which escapes only `"`,
    /// `\\` and control characters (Swift's `debugDescription` also turns `I'm` into `I\\'m`).
    var reportQuoted: String {
        var out = ""
        JSONWriter.quote(self, into: &out)
        return out
    }

    /// A number with one decimal.
    init(format1 x: Double) {
        let tenths = Int((x * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
