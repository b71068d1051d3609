import Datasets
import Language

/// A dataset as the language sees it: a host object that prints as a table and behaves like a
/// list of records (`len(data)`, `data[0]`, `for row in data`, `data.rows`).
///
/// Datasets made by `generate` also carry the responses that could not be parsed
/// (`rejected(data)`), and those made by `filter` carry the funnel (`report(data)`).
public final class DatasetObject: HostObject {
    /// The rows and their schema.
    public let dataset: Dataset
    /// Teacher responses that did not parse into a row, with the reason, for `rejected()`.
    public let rejected: Dataset?
    /// The filter funnel that produced this dataset, for `report()`.
    public let funnelReport: String?

    /// Wraps a dataset.
    public init(_ dataset: Dataset, rejected: Dataset? = nil, funnelReport: String? = nil) {
        self.dataset = dataset
        self.rejected = rejected
        self.funnelReport = funnelReport
    }

    public var typeName: String { "dataset" }

    /// `len(d)`: the number of rows.
    public var length: Int? { dataset.count }

    public var summary: String {
        var text = "dataset(\(dataset.count) row\(dataset.count == 1 ? "" : "s")"
        if !dataset.schema.names.isEmpty { text += ": " + dataset.schema.names.joined(separator: ", ") }
        let labels = dataset.labelDistribution.prefix(4).map { "\($0.label) \($0.count)" }
        if !labels.isEmpty { text += " · " + labels.joined(separator: ", ") }
        if let rejected, !rejected.isEmpty { text += " · \(rejected.count) rejected" }
        return text + ")"
    }

    public var display: String? { dataset.table() }

    /// The rows `display` draws, as cells (the Jupyter kernel draws them as HTML).
    public var displayTable: TableOutput? {
        let cells = TableRenderer().cells(dataset)
        return TableOutput(title: cells.caption, columns: cells.columns, rows: cells.rows)
    }

    public var fieldNames: [String] { ["rows", "count", "columns", "labels"] }

    public func field(_ name: String) -> Value? {
        switch name {
        case "rows": return .list(elements)
        case "count": return .int(dataset.count)
        case "columns": return .list(dataset.schema.names.map(Value.string))
        case "labels": return .list(dataset.labels.map(Value.string))
        default: return nil
        }
    }

    /// The rows as language records.
    public var elements: [Value] { dataset.rows.map { .record(Record($0)) } }
}
