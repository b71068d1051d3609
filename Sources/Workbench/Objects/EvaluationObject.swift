import Datasets
import Foundation
import Language
import Learn
import OrderedCollections

/// The result of `evaluate`: headline metrics, the label report when there are labels, the
/// few-shot sweep when the teacher was scored at several shot counts, and every example.
public final class EvaluationObject: HostObject {
    /// Who was scored on what, e.g. `"classifier on 120 rows"`.
    public let title: String
    /// Named scores in the order they are shown (accuracy, macro_f1, perplexity...).
    public let metrics: OrderedDictionary<String, Double>
    /// Accuracy, per-class scores and the confusion matrix, for label tasks.
    public let report: ClassificationReport?
    /// For a few-shot sweep: accuracy at each shot count, mean and 95% interval over seeds.
    public let sweep: [(shots: Int, accuracy: Estimate, runs: Int)]
    /// One row per example: the input, what was expected, what came back, whether it matched.
    public let examples: Dataset
    /// Whether each example was right, in row order (for `compare`).
    public let correct: [Bool]
    /// What one query cost on average (for a sweep, the last run); nil when not measured.
    public internal(set) var perQuery: QueryCost?
    /// For a few-shot sweep: what one query cost at each shot count, averaged over the draws.
    public internal(set) var sweepCosts: [Int: QueryCost] = [:]
    /// Confidence against accuracy, when the predictions came with probabilities (a teacher's
    /// `scoring: "likelihood"`); `ece` is among the metrics then.
    public internal(set) var reliability: Reliability?

    init(
        title: String, metrics: OrderedDictionary<String, Double>, report: ClassificationReport? = nil,
        sweep: [(shots: Int, accuracy: Estimate, runs: Int)] = [], examples: Dataset, correct: [Bool]
    ) {
        self.title = title
        self.metrics = metrics
        self.report = report
        self.sweep = sweep
        self.examples = examples
        self.correct = correct
    }

    /// `len(e)`: the number of rows scored one by one (0 for a perplexity-only evaluation).
    public var length: Int? { correct.count }

    public var typeName: String { "evaluation" }

    public var summary: String {
        let scores = metrics.map { "\($0.key) \(EvaluationObject.format($0.value))" }.joined(separator: " · ")
        return "evaluation(\(title): \(scores))"
    }

    public var display: String? {
        var lines = [title]
        if !sweep.isEmpty {
            lines.append("shots  accuracy  95% interval     runs")
            for point in sweep {
                lines.append(
                    String(
                        format: "%5d  %8.3f  [%.3f, %.3f]  %5d", point.shots, point.accuracy.value,
                        max(0, point.accuracy.low), min(1, point.accuracy.high), point.runs))
            }
        } else {
            for (name, value) in metrics {
                lines.append("\(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(EvaluationObject.format(value))")
            }
        }
        if let report { lines.append(EvaluationObject.render(report)) }
        return lines.joined(separator: "\n")
    }

    public var fieldNames: [String] {
        Array(metrics.keys) + ["metrics", "labels", "confusion", "examples", "sweep", "reliability"]
            + ["interval", "prompt_tokens", "completion_tokens", "seconds"]
    }

    public func field(_ name: String) -> Value? {
        if let value = metrics[name] { return .float(value) }
        switch name {
        case "metrics":
            var record = Record()
            for (key, value) in metrics { record[key] = .float(value) }
            return .record(record)
        case "labels": return report.map { .list($0.labels.map(Value.string)) } ?? .nil
        case "confusion": return report.map { .list($0.confusion.map { .list($0.map(Value.int)) }) } ?? .nil
        case "examples": return .host(DatasetObject(examples))
        case "sweep":
            return .list(
                sweep.map { point in
                    var record = Record()
                    record["shots"] = .int(point.shots)
                    record["accuracy"] = .float(point.accuracy.value)
                    record["low"] = .float(point.accuracy.low)
                    record["high"] = .float(point.accuracy.high)
                    if let cost = sweepCosts[point.shots] { record.fields.merge(cost.fields) { $1 } }
                    return .record(record)
                })
        case "interval":
            guard !correct.isEmpty else { return .nil }
            let estimate = Intervals.bootstrap95(correct.map { $0 ? 1 : 0 })
            return .record(
                Record(["value": .float(estimate.value), "low": .float(estimate.low), "high": .float(estimate.high)]))
        case "prompt_tokens", "completion_tokens", "seconds": return perQuery?.fields[name] ?? .nil
        case "reliability":
            guard let bins = reliability?.bins else { return .nil }
            return .record(
                Record([
                    "confidence": .list(bins.map { .float($0.confidence) }),
                    "accuracy": .list(bins.map { .float($0.accuracy) }), "count": .list(bins.map { .int($0.count) }),
                ]))
        default: return nil
        }
    }

    static func format(_ value: Double) -> String {
        value.isFinite ? String(format: value >= 100 ? "%.1f" : "%.3f", value) : "\(value)"
    }

    /// Per-class precision/recall/F1 and the confusion matrix (rows: truth, columns: predicted).
    static func render(_ report: ClassificationReport) -> String {
        let width = max(10, (report.labels.map(\.count).max() ?? 0) + 2)
        func pad(_ s: String) -> String { s.count >= width ? s : String(repeating: " ", count: width - s.count) + s }
        var lines = [pad("label") + pad("precision") + pad("recall") + pad("f1") + pad("support")]
        for score in report.perClass {
            lines.append(
                pad(score.label) + pad(String(format: "%.3f", score.precision)) + pad(String(format: "%.3f", score.recall))
                    + pad(String(format: "%.3f", score.f1)) + pad("\(score.support)"))
        }
        lines.append("confusion (rows: true label, columns: predicted)")
        lines.append(pad("") + report.labels.map(pad).joined())
        for (label, row) in zip(report.labels, report.confusion) {
            lines.append(pad(label) + row.map { pad("\($0)") }.joined())
        }
        return lines.joined(separator: "\n")
    }
}

/// The average cost of one query in an evaluation: what the model read and wrote, and how
/// long it took. The teacher's tokens and seconds come from its answers (recorded answers
/// keep the latency measured when they were recorded); a student's are measured as it runs,
/// its tokens counted by its own tokenizer (bytes).
public struct QueryCost: Sendable {
    /// Tokens read per query: the prompt, with its shots, for a teacher; the input for a student.
    public var promptTokens: Double
    /// Tokens written per query (0 for a classifier, which answers with its label head).
    public var completionTokens: Double
    /// Seconds per query; nil when a recorded answer carries no latency.
    public var seconds: Double?

    /// The fields `evaluate`'s result shows: `prompt_tokens`, `completion_tokens`, `seconds`.
    var fields: OrderedDictionary<String, Value> {
        [
            "prompt_tokens": .float(promptTokens), "completion_tokens": .float(completionTokens),
            "seconds": seconds.map(Value.float) ?? .nil,
        ]
    }

    /// The mean cost over several evaluations (seconds only when every one has them).
    static func mean(_ costs: [QueryCost]) -> QueryCost? {
        guard !costs.isEmpty else { return nil }
        let n = Double(costs.count), seconds = costs.compactMap(\.seconds)
        return QueryCost(
            promptTokens: costs.map(\.promptTokens).reduce(0, +) / n,
            completionTokens: costs.map(\.completionTokens).reduce(0, +) / n,
            seconds: seconds.count == costs.count ? seconds.reduce(0, +) / n : nil)
    }
}
