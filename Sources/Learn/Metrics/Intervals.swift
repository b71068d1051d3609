import Foundation
import PortableMath
import Tensor

/// A point estimate with a confidence interval, e.g. accuracy 0.71 [0.64, 0.78].
public struct Estimate: Sendable, Equatable {
    public var value: Double
    public var low: Double
    public var high: Double
}

/// Confidence intervals and paired significance tests for comparing a teacher and a student.
public enum Intervals {
    /// Mean and a 95% Student-t interval of a few repeated measurements (e.g. accuracy over
    /// five shot draws). One measurement gives a zero-width interval.
    public static func mean95(_ samples: [Double]) -> Estimate {
        precondition(!samples.isEmpty, "need at least one sample")
        let n = Double(samples.count)
        let mean = samples.reduce(0, +) / n
        guard samples.count > 1 else { return Estimate(value: mean, low: mean, high: mean) }
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let half = studentT975(degreesOfFreedom: samples.count - 1) * (variance / n).squareRoot()
        return Estimate(value: mean, low: mean - half, high: mean + half)
    }

    /// A 95% percentile-bootstrap interval of the mean of per-example scores (1 = right,
    /// 0 = wrong for accuracy), deterministic for a given seed.
    public static func bootstrap95(_ scores: [Double], resamples: Int = 1000, seed: UInt64 = 0) -> Estimate {
        precondition(!scores.isEmpty, "need at least one score")
        var generator = SeededRandom(seed: seed)
        let mean = scores.reduce(0, +) / Double(scores.count)
        var means: [Double] = []
        means.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var total = 0.0
            for _ in scores.indices { total += scores[generator.randint(scores.count)] }
            means.append(total / Double(scores.count))
        }
        means.sort()
        let low = means[Int(Double(resamples - 1) * 0.025)]
        let high = means[Int(Double(resamples - 1) * 0.975)]
        return Estimate(value: mean, low: low, high: high)
    }

    /// McNemar's paired test on two classifiers scored on the same examples.
    ///
    /// Returns the discordant counts (`onlyA` right where B is wrong, and the reverse) and a
    /// two-sided p-value: exact binomial when there are fewer than 25 discordant pairs,
    /// otherwise the continuity-corrected chi-square with one degree of freedom.
    public static func mcnemar(correctA: [Bool], correctB: [Bool]) -> (onlyA: Int, onlyB: Int, pValue: Double) {
        precondition(correctA.count == correctB.count, "paired results differ in length")
        let onlyA = zip(correctA, correctB).filter { $0 && !$1 }.count
        let onlyB = zip(correctA, correctB).filter { !$0 && $1 }.count
        let discordant = onlyA + onlyB
        guard discordant > 0 else { return (onlyA, onlyB, 1) }
        if discordant < 25 {
            let k = min(onlyA, onlyB)
            var tail = 0.0
            for i in 0...k { tail += binomialProbability(n: discordant, k: i) }
            return (onlyA, onlyB, min(1, 2 * tail))
        }
        let diff = Double(abs(onlyA - onlyB)) - 1
        let statistic = diff * diff / Double(discordant)
        return (onlyA, onlyB, Reproducible.erfc((statistic / 2).squareRoot()))
    }

    /// P(X = k) for X ~ Binomial(n, 1/2), for the small n of the exact test (n < 25): the
    /// binomial coefficient is an exact integer and dividing by 2^n is exact, so no libm call.
    private static func binomialProbability(n: Int, k: Int) -> Double {
        var choose = 1
        for i in 0..<min(k, n - k) { choose = choose * (n - i) / (i + 1) }
        return Double(choose) / Double(1 << n)
    }

    /// The 97.5th percentile of Student's t distribution (two-sided 95%).
    private static func studentT975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        ]
        if df <= table.count { return table[df - 1] }
        return 1.96 + 2.4 / Double(df)  // within 0.01 of the exact value for df > 20
    }
}
