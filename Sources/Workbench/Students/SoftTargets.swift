import Datasets
import Language

/// The teacher's label distributions a classifier student trains on with `finetune(d, soft:
/// true)`: each row's `probs` record, as `generate(..., scoring: "likelihood")` writes it.
enum SoftTargets {
    /// The column holding each row's distribution.
    static let column = "probs"

    /// The labels a soft-label student needs: the label column's values and every label named
    /// in a row's distribution (a label the teacher never chose still has probability), sorted.
    static func labels(of data: Dataset) -> [String] {
        var labels = Set(data.labels)
        for row in data.rows {
            if case .record(let probs)? = row[column] { labels.formUnion(probs.fields.keys) }
        }
        return labels.sorted()
    }

    /// One distribution per row, over `labels` in order (a label a row does not name gets 0).
    /// - Throws: a message for a row without a distribution, or with a value that is not a
    ///   probability, or naming a label the student does not have.
    static func targets(_ rows: [Row], labels: [String]) throws -> [[Float]] {
        try rows.enumerated().map { index, row in
            guard case .record(let probs)? = row[column] else {
                throw RuntimeError(
                    "soft: true trains on each row's '\(column)' (the teacher's probability of each label), but row "
                        + "\(index + 1) has none: label the rows with generate(p, s, label: rows, scoring: \"likelihood\")")
            }
            var target = [Float](repeating: 0, count: labels.count)
            for (label, value) in probs.fields {
                guard let i = labels.firstIndex(of: label) else {
                    throw RuntimeError("row \(index + 1)'s \(column) names '\(label)', not one of the student's labels \(labels)")
                }
                guard let p = value.doubleValue, p >= 0, p <= 1 else {
                    throw RuntimeError("row \(index + 1)'s \(column).\(label) must be a probability, got \(value.text)")
                }
                target[i] = Float(p)
            }
            guard target.reduce(0, +) > 0 else { throw RuntimeError("row \(index + 1)'s \(column) are all zero") }
            return target
        }
    }
}
