import CKernels
import PortableMath
import Testing

@testable import Tensor

/// The C 8-lane exp, tanh and the C log against PortableMath's scalar functions, bit for bit,
/// over the whole Float range and the special values.
@Suite struct VectorMathTests {
    /// Many floats: a sweep of bit patterns (every sign and exponent), a fine grid where the
    /// functions change branch, and the special values.
    static let inputs: [Float] = {
        var v = stride(from: UInt32(0), to: UInt32.max - 40_000, by: 40_009).map { Float(bitPattern: $0) }
        v += stride(from: -120 as Float, through: 120, by: 0.003_1)
        v += [0, -0.0, .infinity, -.infinity, .nan, 0.625, -0.625, 0.624_999_94, 88.72, 89, -104, -103.9]
        v += [.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        return v
    }()

    func same(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    @Test(.enabled(if: CPUFeatures.hasAVX2FMA, "the C exp and tanh are AVX2 kernels; this CPU has no AVX2/FMA"))
    func cExpAndTanhMatchPortableMath() {
        let x = Self.inputs
        var e = [Float](repeating: 0, count: x.count), t = e
        fewshot_exp(x, &e, x.count)
        fewshot_tanh(x, &t, x.count)
        for i in x.indices {
            if !same(e[i], Reproducible.exp(x[i])) {
                Issue.record("exp(\(x[i])): C \(e[i]) vs Swift \(Reproducible.exp(x[i]))")
                return
            }
            if !same(t[i], Reproducible.tanh(x[i])) {
                Issue.record("tanh(\(x[i])): C \(t[i]) vs Swift \(Reproducible.tanh(x[i]))")
                return
            }
        }
    }

    @Test func cLogMatchesPortableMath() {
        for x in Self.inputs where !same(fewshot_log(x), Reproducible.log(x)) {
            Issue.record("log(\(x)): C \(fewshot_log(x)) vs Swift \(Reproducible.log(x))")
            return
        }
    }
}
