/// Label metrics for a classifier or a teacher: accuracy, per-class precision and recall,
/// macro-F1 and the confusion matrix.
///
/// ```swift
/// let report = ClassificationReport(truth: ["pos", "neg", "pos"], predicted: ["pos", "pos", "pos"])
/// report.accuracy  // 0.667
/// report.macroF1   // mean of per-class F1 (0.8 for "pos", 0 for "neg")
/// ```
public struct ClassificationReport: Sendable, Equatable {
    /// Precision, recall, F1 and support of one label.
    public struct ClassScores: Sendable, Equatable {
        public var label: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// How many true examples of this label there are.
        public var support: Int
    }

    /// The labels, in the order the matrix uses: the given set, then any unseen prediction.
    public let labels: [String]
    /// `confusion[i][j]`: examples whose true label is `labels[i]` predicted as `labels[j]`.
    public let confusion: [[Int]]
    /// Per-label scores, in `labels` order.
    public let perClass: [ClassScores]
    /// Fraction of exact label matches.
    public let accuracy: Double
    /// Unweighted mean of the per-label F1 over labels with support or predictions.
    public let macroF1: Double
    /// Number of examples scored.
    public var count: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Scores `predicted` against `truth` (same length). `labels` fixes the label order; labels
    /// found only in the data are appended in order of first appearance, so an invalid
    /// prediction (say, "maybe") shows up as its own column rather than vanishing.
    public init(truth: [String], predicted: [String], labels: [String] = []) {
        precondition(truth.count == predicted.count, "truth and predictions differ in length")
        var order = labels
        for label in truth + predicted where !order.contains(label) { order.append(label) }
        let index = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var matrix = Array(repeating: Array(repeating: 0, count: order.count), count: order.count)
        for (t, p) in zip(truth, predicted) { matrix[index[t]!][index[p]!] += 1 }

        var scores: [ClassScores] = []
        var f1Sum = 0.0
        var scoredLabels = 0
        for (i, label) in order.enumerated() {
            let truePositives = Double(matrix[i][i])
            let predictedCount = Double(matrix.reduce(0) { $0 + $1[i] })
            let support = matrix[i].reduce(0, +)
            let precision = predictedCount > 0 ? truePositives / predictedCount : 0
            let recall = support > 0 ? truePositives / Double(support) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            scores.append(ClassScores(label: label, precision: precision, recall: recall, f1: f1, support: support))
            // Labels that are only in the requested set and never occur do not drag the mean down.
            if support > 0 || predictedCount > 0 {
                f1Sum += f1
                scoredLabels += 1
            }
        }
        let correct = (0..<order.count).reduce(0) { $0 + matrix[$1][$1] }
        self.labels = order
        self.confusion = matrix
        self.perClass = scores
        self.accuracy = truth.isEmpty ? 0 : Double(correct) / Double(truth.count)
        self.macroF1 = scoredLabels > 0 ? f1Sum / Double(scoredLabels) : 0
    }
}
