import Datasets
import Foundation
import Language
import Learn
import OrderedCollections
import Teacher

/// `evaluate` of a classifier: predicted labels against the rows' labels (also the report
/// every label evaluation shares, `labelResult`).
extension EvaluateBuiltins {
    static func scoreClassifier(_ classifier: some TextClassifier, _ name: String, _ data: Dataset, _ args: Arguments) throws
        -> EvaluationObject
    {
        guard let labelColumn = data.labelColumn else {
            throw args.error("data", "the rows need a label column to score a classifier")
        }
        let rows = data.rows.filter { data.label(of: $0) != nil }
        let texts = rows.map { StudentText.classifierInput($0, labelColumn: labelColumn) }
        let started = DispatchTime.now().uptimeNanoseconds
        let tokens = texts.map { classifier.encode($0) }
        let predicted = try classifier.predictLabels(tokens).map { classifier.labels[$0] }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let truth = rows.map { data.label(of: $0)! }
        let result = labelResult(
            "\(name) on \(rows.count) rows", inputs: texts, truth: truth, predicted: predicted, labels: classifier.labels)
        // the classifier reads at most `contextLength` tokens
        let read = tokens.map { min(max($0.count, 1), classifier.contextLength) }
        result.perQuery = QueryCost(
            promptTokens: Double(read.reduce(0, +)) / Double(max(rows.count, 1)), completionTokens: 0,
            seconds: rows.isEmpty ? nil : seconds / Double(rows.count))
        return result
    }

    /// The evaluation of predicted labels against the truth.
    static func labelResult(
        _ title: String, inputs: [String], truth: [String], predicted: [String], labels: [String],
        confidences: [Double]? = nil
    ) -> EvaluationObject {
        let report = ClassificationReport(truth: truth, predicted: predicted, labels: labels)
        let correct = zip(truth, predicted).map { $0 == $1 }
        let examples = Dataset(
            zip(inputs, zip(truth, predicted)).enumerated().map { index, example in
                let (input, (label, guess)) = example
                var fields: [(String, FieldValue)] = [
                    ("input", .string(input)), ("label", .string(label)), ("predicted", .string(guess)),
                    ("correct", .bool(label == guess)),
                ]
                if let confidences { fields.append(("confidence", .double(confidences[index]))) }
                return Row(fields)
            })
        var metrics: OrderedDictionary<String, Double> = ["accuracy": report.accuracy, "macro_f1": report.macroF1]
        let reliability = confidences.map { Reliability(confidences: $0, correct: correct) }
        if let reliability { metrics["ece"] = reliability.expectedCalibrationError }
        let result = EvaluationObject(title: title, metrics: metrics, report: report, examples: examples, correct: correct)
        result.reliability = reliability
        return result
    }
}
