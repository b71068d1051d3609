import Foundation
import Testing

@testable import PortableMath

/// The Double functions against the platform libm (itself within about 1 ulp), within 2 ulp.
@Suite struct DoubleAccuracyTests {
    func worst(_ inputs: [Double], _ f: (Double) -> Double, _ reference: (Double) -> Double) -> (Int, Double) {
        var worst = (0, 0.0)
        for x in inputs {
            let d = ulps(f(x), reference(x))
            if d > worst.0 { worst = (d, x) }
        }
        return worst
    }

    @Test func expWithinTwoUlp() {
        let inputs = evenlySpaced(-745, 709.7, count: 200_000) + logSpaced(1e-300, 1, count: 2000).flatMap { [$0, -$0] }
        let (d, x) = worst(inputs, Reproducible.exp, Foundation.exp)
        #expect(d <= 2, "exp(\(x)) is \(d) ulp off")
    }

    @Test func logWithinTwoUlp() {
        let inputs = logSpaced(Double.leastNonzeroMagnitude, 1.7e308, count: 200_000) + evenlySpaced(0.5, 2, count: 50_000)
        let (d, x) = worst(inputs, Reproducible.log, Foundation.log)
        #expect(d <= 2, "log(\(x)) is \(d) ulp off")
    }

    @Test func sinCosWithinTwoUlpOverTheSupportedRange() {
        let inputs =
            evenlySpaced(-10, 10, count: 100_000) + evenlySpaced(-1.6e6, 1.6e6, count: 100_000)
            + logSpaced(1e-300, 1, count: 2000).flatMap { [$0, -$0] }
        let (ds, xs) = worst(inputs, Reproducible.sin, Foundation.sin)
        let (dc, xc) = worst(inputs, Reproducible.cos, Foundation.cos)
        #expect(ds <= 2, "sin(\(xs)) is \(ds) ulp off")
        #expect(dc <= 2, "cos(\(xc)) is \(dc) ulp off")
    }

    /// Box-Muller's `cos(2 pi u)` for `u` in [0, 1).
    @Test func boxMullerAngles() {
        let inputs = evenlySpaced(0, 1, count: 100_000).map { 2 * Double.pi * $0 }
        let (d, x) = worst(inputs, Reproducible.cos, Foundation.cos)
        #expect(d <= 2, "cos(\(x)) is \(d) ulp off")
    }

    @Test func powWithinTwoUlp() {
        for base in [1e-10, 0.5, 0.9, 0.95, 0.999, 0.999_999, 1.5, 2, 10, 10_000, 500_000] {
            for y in evenlySpaced(-40, 40, count: 3000) + [1e5, 3e5, -1e5, 100_000.5] {
                let want = Foundation.pow(base, y)
                guard want.isFinite, want > 1e-300 else { continue }
                let d = ulps(Reproducible.pow(base, y), want)
                #expect(d <= 2, "pow(\(base), \(y)) is \(d) ulp off")
                if d > 2 { return }
            }
        }
        // Integer exponents of the optimizer's bias correction and the DSL's rounding scale.
        for t in 1...2000 { #expect(ulps(Reproducible.pow(0.999, Double(t)), Foundation.pow(0.999, Double(t))) <= 2) }
        for d in -300...300 { #expect(ulps(Reproducible.pow(10, Double(d)), Foundation.pow(10, Double(d))) <= 2) }
    }

    @Test func erfcRelativeError() {
        for x in evenlySpaced(-6, 27, count: 20_000) {
            let want = Foundation.erfc(x), got = Reproducible.erfc(x)
            guard want > 1e-300 else { continue }
            #expect(abs(got - want) <= 1e-12 * want, "erfc(\(x)): \(got) vs \(want)")
            if abs(got - want) > 1e-12 * want { return }
        }
    }
}
