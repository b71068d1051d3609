import Foundation
import Testing

@testable import PortableMath

/// The Float functions against the platform libm, within 2 ulp over their useful range.
@Suite struct FloatAccuracyTests {
    func worst(_ inputs: [Double], _ f: (Float) -> Float, _ reference: (Double) -> Double) -> (Int, Float) {
        var worst = (0, Float(0))
        for v in inputs {
            let x = Float(v)
            let d = ulps(f(x), Float(reference(Double(x))))
            if d > worst.0 { worst = (d, x) }
        }
        return worst
    }

    @Test func expWithinTwoUlp() {
        let inputs = evenlySpaced(-103, 88.7, count: 200_000) + logSpaced(1e-30, 1, count: 2000).flatMap { [$0, -$0] }
        let (d, x) = worst(inputs, Reproducible.exp, Foundation.exp)
        #expect(d <= 2, "exp(\(x)) is \(d) ulp off")
    }

    @Test func logWithinTwoUlp() {
        let inputs = logSpaced(1e-45, 3e38, count: 200_000) + evenlySpaced(0.5, 2, count: 50_000)
        let (d, x) = worst(inputs, Reproducible.log, Foundation.log)
        #expect(d <= 2, "log(\(x)) is \(d) ulp off")
    }

    @Test func tanhWithinTwoUlp() {
        let inputs = evenlySpaced(-12, 12, count: 200_000) + logSpaced(1e-30, 1, count: 5000).flatMap { [$0, -$0] }
        let (d, x) = worst(inputs, Reproducible.tanh, Foundation.tanh)
        #expect(d <= 2, "tanh(\(x)) is \(d) ulp off")
    }

    @Test func sinCosWithinOneUlpUpToRoPEAngles() {
        let inputs = evenlySpaced(-10, 10, count: 50_000) + evenlySpaced(-2e5, 2e5, count: 100_000)
        let (ds, xs) = worst(inputs, Reproducible.sin, Foundation.sin)
        let (dc, xc) = worst(inputs, Reproducible.cos, Foundation.cos)
        #expect(ds <= 1, "sin(\(xs)) is \(ds) ulp off")
        #expect(dc <= 1, "cos(\(xc)) is \(dc) ulp off")
    }

    @Test func powWithinOneUlp() {
        for base in [0.5, 0.9, 0.999, 2, 10, 10_000, 500_000] as [Float] {
            for y in evenlySpaced(-3, 3, count: 2000) {
                let y = Float(y)
                let d = ulps(Reproducible.pow(base, y), Float(Foundation.pow(Double(base), Double(y))))
                #expect(d <= 1, "pow(\(base), \(y)) is \(d) ulp off")
                if d > 1 { return }
            }
        }
    }

    /// The 8-lane forms give the scalar results lane by lane, bit for bit.
    @Test func simdLanesMatchScalar() {
        var inputs = evenlySpaced(-120, 120, count: 40_000).map(Float.init)
        inputs += logSpaced(1e-40, 1, count: 4000).flatMap { [Float($0), -Float($0)] }
        inputs += [0, -0.0, .infinity, -.infinity, .nan, 0.625, -0.625, 0.624_999_9, 88.72, 89, -104, -103.9]
        inputs += [Float.leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        while inputs.count % 8 != 0 { inputs.append(1) }
        for i in stride(from: 0, to: inputs.count, by: 8) {
            let v = SIMD8<Float>(inputs[i..<(i + 8)])
            let e = Reproducible.exp(v), t = Reproducible.tanh(v)
            for l in 0..<8 {
                let s = Reproducible.exp(v[l]), st = Reproducible.tanh(v[l])
                #expect(e[l].bitPattern == s.bitPattern || (e[l].isNaN && s.isNaN), "exp lane of \(v[l])")
                #expect(t[l].bitPattern == st.bitPattern || (t[l].isNaN && st.isNaN), "tanh lane of \(v[l])")
            }
        }
    }
}
