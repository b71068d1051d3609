import Testing

@testable import Learn

@Suite struct MetricsTests {
    @Test func classificationReportMatchesHandCounts() {
        let truth = ["pos", "pos", "neg", "neg", "neu", "pos"]
        let predicted = ["pos", "neg", "neg", "neg", "pos", "pos"]
        let report = ClassificationReport(truth: truth, predicted: predicted, labels: ["neg", "neu", "pos"])
        #expect(report.labels == ["neg", "neu", "pos"])
        #expect(report.confusion == [[2, 0, 0], [0, 0, 1], [1, 0, 2]])
        #expect(abs(report.accuracy - 4.0 / 6.0) < 1e-12)
        // neg: p=2/3 r=1 f1=0.8; neu: 0; pos: p=2/3 r=2/3 f1=2/3
        #expect(abs(report.perClass[0].f1 - 0.8) < 1e-12)
        #expect(report.perClass[1].f1 == 0)
        #expect(abs(report.macroF1 - (0.8 + 0 + 2.0 / 3.0) / 3) < 1e-12)
    }

    @Test func unexpectedPredictionsGetTheirOwnColumn() {
        let report = ClassificationReport(truth: ["a", "b"], predicted: ["a", "maybe"], labels: ["a", "b"])
        #expect(report.labels == ["a", "b", "maybe"])
        #expect(report.confusion[1][2] == 1)
        #expect(report.accuracy == 0.5)
    }

    @Test func meanIntervalUsesStudentT() {
        let estimate = Intervals.mean95([0.6, 0.7, 0.8])
        #expect(abs(estimate.value - 0.7) < 1e-12)
        // sd = 0.1, se = 0.0577, t(2) = 4.303 -> half width 0.2484
        #expect(abs(estimate.high - 0.7 - 0.24843) < 1e-4)
        #expect(Intervals.mean95([0.5]).low == 0.5)
    }

    @Test func bootstrapIsDeterministicAndBracketsTheMean() {
        let scores = (0..<200).map { Double($0 % 4 == 0 ? 0 : 1) }
        let a = Intervals.bootstrap95(scores, seed: 7)
        let b = Intervals.bootstrap95(scores, seed: 7)
        #expect(a == b)
        #expect(a.low < 0.75 && 0.75 < a.high)
        #expect(a.high - a.low < 0.15)
    }

    @Test func mcnemarExactAndChiSquare() {
        // 1 vs 9 discordant: exact two-sided p = 2 * P(X <= 1 | n=10) = 22/1024.
        let a = [Bool](repeating: true, count: 1) + [Bool](repeating: false, count: 9)
        let b = [Bool](repeating: false, count: 1) + [Bool](repeating: true, count: 9)
        let exact = Intervals.mcnemar(correctA: a, correctB: b)
        #expect(exact.onlyA == 1 && exact.onlyB == 9)
        #expect(abs(exact.pValue - 22.0 / 1024.0) < 1e-12)
        // 10 vs 30: chi2 = (20-1)^2/40 = 9.025 -> p ~ 0.00266
        let big = Intervals.mcnemar(
            correctA: [Bool](repeating: true, count: 10) + [Bool](repeating: false, count: 30),
            correctB: [Bool](repeating: false, count: 10) + [Bool](repeating: true, count: 30))
        #expect(abs(big.pValue - 0.00266) < 1e-4)
    }

    /// ECE by hand: bins [0.5, 0.6) with 2 predictions (conf 0.55, 1 right) and [0.9, 1] with
    /// 2 (conf 0.95, both right): 2/4 * |0.5 - 0.55| + 2/4 * |1 - 0.95| = 0.05.
    @Test func reliabilityBinsAndCalibrationError() {
        let r = Reliability(confidences: [0.55, 0.55, 0.95, 1.0 - 0.05], correct: [true, false, true, true])
        #expect(r.bins.count == 2)
        #expect(r.bins.map(\.count) == [2, 2])
        #expect(abs(r.bins[0].accuracy - 0.5) < 1e-12 && abs(r.bins[1].confidence - 0.95) < 1e-12)
        #expect(abs(r.expectedCalibrationError - 0.05) < 1e-12)
        // Confidence 1 falls in the last bin; an empty input has no bins and no error.
        #expect(Reliability(confidences: [1], correct: [true]).bins.first?.lower == 0.9)
        #expect(Reliability(confidences: [], correct: []).expectedCalibrationError == 0)
    }
}
