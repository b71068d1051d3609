/// How well a model's confidence matches how often it is right: predictions grouped into equal
/// bins of confidence, each bin's accuracy beside its mean confidence, and the expected
/// calibration error (Guo et al. 2017): the bins' |accuracy - confidence|, weighted by size.
///
/// ```swift
/// let r = Reliability(confidences: [0.9, 0.8, 0.6], correct: [true, false, true])
/// r.expectedCalibrationError   // 0 for a perfectly calibrated model
/// ```
public struct Reliability: Sendable, Equatable {
    /// One non-empty bin of predictions.
    public struct Bin: Sendable, Equatable {
        /// The bin's confidence range, [lower, upper) (the last bin includes 1).
        public var lower: Double
        public var upper: Double
        /// The mean confidence of its predictions.
        public var confidence: Double
        /// The share of its predictions that were right.
        public var accuracy: Double
        /// How many predictions fell in it.
        public var count: Int
    }

    /// The non-empty bins, lowest confidence first.
    public let bins: [Bin]
    /// The expected calibration error, from 0 (calibrated) to 1.
    public let expectedCalibrationError: Double

    /// Bins `confidences` (each in [0, 1], one per prediction) into `binCount` equal bins.
    public init(confidences: [Double], correct: [Bool], binCount: Int = 10) {
        let n = min(confidences.count, correct.count)
        var sums = [(confidence: Double, right: Int, count: Int)](repeating: (0, 0, 0), count: max(1, binCount))
        for i in 0..<n {
            let c = min(1, max(0, confidences[i]))
            let b = min(sums.count - 1, Int(c * Double(sums.count)))
            sums[b].confidence += c
            sums[b].right += correct[i] ? 1 : 0
            sums[b].count += 1
        }
        var bins: [Bin] = []
        var error = 0.0
        for (b, sum) in sums.enumerated() where sum.count > 0 {
            let bin = Bin(
                lower: Double(b) / Double(sums.count), upper: Double(b + 1) / Double(sums.count),
                confidence: sum.confidence / Double(sum.count), accuracy: Double(sum.right) / Double(sum.count),
                count: sum.count)
            error += Double(sum.count) / Double(n) * abs(bin.accuracy - bin.confidence)
            bins.append(bin)
        }
        self.bins = bins
        expectedCalibrationError = error
    }
}
