import Testing

@testable import PortableMath

/// Zeros, infinities, NaN, and the edges of the ranges.
@Suite struct SpecialValueTests {
    func same(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }
    func same(_ a: Double, _ b: Double) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    @Test func floatSpecials() {
        let inf = Float.infinity
        let cases: [(Float, Float, String)] = [
            (Reproducible.exp(Float(0)), 1, "exp 0"), (Reproducible.exp(-Float(0)), 1, "exp -0"),
            (Reproducible.exp(inf), inf, "exp inf"), (Reproducible.exp(-inf), 0, "exp -inf"),
            (Reproducible.exp(Float.nan), .nan, "exp nan"), (Reproducible.exp(Float(1000)), inf, "exp huge"),
            (Reproducible.exp(Float(-1000)), 0, "exp -huge"), (Reproducible.exp(Float(1e-30)), 1, "exp tiny"),
            (Reproducible.log(Float(1)), 0, "log 1"), (Reproducible.log(Float(0)), -inf, "log 0"),
            (Reproducible.log(-Float(0)), -inf, "log -0"), (Reproducible.log(Float(-1)), .nan, "log -1"),
            (Reproducible.log(inf), inf, "log inf"), (Reproducible.log(Float.nan), .nan, "log nan"),
            (Reproducible.tanh(Float(0)), 0, "tanh 0"), (Reproducible.tanh(-Float(0)), -0.0, "tanh -0"),
            (Reproducible.tanh(inf), 1, "tanh inf"), (Reproducible.tanh(-inf), -1, "tanh -inf"),
            (Reproducible.tanh(Float.nan), .nan, "tanh nan"), (Reproducible.tanh(Float(1e-30)), 1e-30, "tanh tiny"),
            (Reproducible.sin(-Float(0)), -0.0, "sin -0"), (Reproducible.cos(Float(0)), 1, "cos 0"),
            (Reproducible.sin(inf), .nan, "sin inf"), (Reproducible.cos(Float.nan), .nan, "cos nan"),
        ]
        for (got, want, what) in cases { #expect(same(got, want), "\(what): \(got)") }
        // Subnormal results and inputs.
        #expect(Reproducible.exp(Float(-100)) > 0 && Reproducible.exp(Float(-100)) < .leastNormalMagnitude)
        #expect(abs(Reproducible.log(Float.leastNonzeroMagnitude) - -103.278_93) < 1e-4)
    }

    @Test func doubleSpecials() {
        let inf = Double.infinity
        let cases: [(Double, Double, String)] = [
            (Reproducible.exp(0.0), 1, "exp 0"), (Reproducible.exp(inf), inf, "exp inf"),
            (Reproducible.exp(-inf), 0, "exp -inf"), (Reproducible.exp(Double.nan), .nan, "exp nan"),
            (Reproducible.exp(1e4), inf, "exp huge"), (Reproducible.exp(-1e4), 0, "exp -huge"),
            (Reproducible.log(1.0), 0, "log 1"), (Reproducible.log(0.0), -inf, "log 0"),
            (Reproducible.log(-2.0), .nan, "log -2"), (Reproducible.log(inf), inf, "log inf"),
            (Reproducible.sin(-0.0), -0.0, "sin -0"), (Reproducible.cos(-0.0), 1, "cos -0"),
            (Reproducible.sin(inf), .nan, "sin inf"), (Reproducible.cos(-inf), .nan, "cos -inf"),
            (Reproducible.pow(2.0, 0.0), 1, "pow x^0"), (Reproducible.pow(Double.nan, 0.0), 1, "pow nan^0"),
            (Reproducible.pow(1.0, Double.nan), 1, "pow 1^nan"), (Reproducible.pow(-2.0, 3.0), -8, "pow -2^3"),
            (Reproducible.pow(-2.0, 0.5), .nan, "pow -2^0.5"), (Reproducible.pow(0.0, -1.0), inf, "pow 0^-1"),
            (Reproducible.pow(-0.0, -1.0), -inf, "pow -0^-1"), (Reproducible.pow(0.0, 2.0), 0, "pow 0^2"),
            (Reproducible.pow(inf, -1.0), 0, "pow inf^-1"), (Reproducible.pow(0.5, inf), 0, "pow 0.5^inf"),
            (Reproducible.pow(2.0, 1e6), inf, "pow overflow"), (Reproducible.pow(2.0, -1e6), 0, "pow underflow"),
            (Reproducible.pow(2.0, 10.0), 1024, "pow 2^10"), (Reproducible.pow(10.0, 2.0), 100, "pow 10^2"),
            (Reproducible.erfc(0.0), 1, "erfc 0"), (Reproducible.erfc(inf), 0, "erfc inf"),
            (Reproducible.erfc(-inf), 2, "erfc -inf"),
        ]
        for (got, want, what) in cases { #expect(same(got, want), "\(what): \(got)") }
        #expect(Reproducible.exp(-740.0) > 0 && Reproducible.exp(-740.0) < .leastNormalMagnitude)
        #expect(abs(Reproducible.log(Double.leastNonzeroMagnitude) - -744.440_071_921_381_3) < 1e-12)
    }
}
