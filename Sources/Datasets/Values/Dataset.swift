/// A list of records with an inferred schema and an optional label column.
///
/// ```swift
/// let data = Dataset([["text": "love it", "label": "positive"], ["text": "meh", "label": "neutral"]])
/// data.labelColumn          // "label" (detected by name)
/// data.labelDistribution    // [("neutral", 1), ("positive", 1)]
/// print(data.table())
/// ```
public struct Dataset: Hashable, Sendable {
    /// The rows, in order.
    public let rows: [Row]
    /// Column names and types.
    public let schema: Schema
    /// The column holding the class label, or nil. Detected when a column is named `label`.
    public let labelColumn: String?
    /// The public format the rows were recognised as when loaded (`.openAIChat`...), or nil.
    public var sourceFormat: ExportFormat?

    /// A dataset of `rows` whose label is the column `labelColumn`.
    /// - Throws: `DatasetError` when `labelColumn` names a column no row has.
    public init(_ rows: [Row], labelColumn: String) throws {
        let schema = Schema(inferringFrom: rows)
        if schema.column(labelColumn) == nil, !rows.isEmpty {
            throw DatasetError("no column named '\(labelColumn)' for the label; columns: \(schema.names.joined(separator: ", "))")
        }
        self.init(rows: rows, schema: schema, labelColumn: labelColumn)
    }

    /// A dataset of `rows` with the label column detected by name (`label`).
    public init(_ rows: [Row]) {
        let schema = Schema(inferringFrom: rows)
        self.init(rows: rows, schema: schema, labelColumn: nil)
    }

    private init(rows: [Row], schema: Schema, labelColumn: String?) {
        self.rows = rows
        self.schema = schema
        self.labelColumn = labelColumn ?? (schema.column("label") != nil ? "label" : nil)
    }

    /// Number of rows.
    public var count: Int { rows.count }

    /// True when there are no rows.
    public var isEmpty: Bool { rows.isEmpty }

    /// The same rows with `column` as the label column.
    public func withLabel(_ column: String) throws -> Dataset {
        var d = try Dataset(rows, labelColumn: column)
        d.sourceFormat = sourceFormat
        return d
    }

    /// The label of `row` as text, or nil when there is no label column or the row lacks it.
    public func label(of row: Row) -> String? {
        guard let labelColumn, let v = row[labelColumn], !v.isNull else { return nil }
        return v.text
    }

    /// How many rows carry each label, most frequent first (ties by label). Empty without a label column.
    public var labelDistribution: [(label: String, count: Int)] {
        guard labelColumn != nil else { return [] }
        var counts: [String: Int] = [:]
        for row in rows { if let l = label(of: row) { counts[l, default: 0] += 1 } }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { (label: $0.key, count: $0.value) }
    }

    /// The distinct labels in order of first appearance.
    public var labels: [String] {
        var seen = Set<String>()
        var out: [String] = []
        for row in rows { if let l = label(of: row), seen.insert(l).inserted { out.append(l) } }
        return out
    }

    public static func == (a: Dataset, b: Dataset) -> Bool {
        a.rows == b.rows && a.labelColumn == b.labelColumn
    }

    public func hash(into h: inout Hasher) {
        h.combine(rows)
        h.combine(labelColumn)
    }
}
