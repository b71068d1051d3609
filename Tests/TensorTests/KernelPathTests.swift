import Foundation
import Testing

@testable import Tensor

/// The C (AVX2) inner loops against the portable Swift ones, bit for bit, and both against
/// double-precision references, over lengths that exercise the 8-lane body, the 16-lane sums
/// and the masked tail.
@Suite struct KernelPathTests {
    /// Lengths around the 8- and 16-lane blocks, primes, and a long row.
    static let lengths = [1, 2, 3, 5, 7, 8, 13, 15, 16, 17, 21, 31, 97, 128, 1000, 1037]

    /// Values from N(0, scale) with a few extremes mixed in.
    func values(_ n: Int, seed: UInt64, scale: Float = 3) -> [Float] {
        var rng = SeededRandom(seed: seed)
        var v = rng.normal(count: n, std: scale)
        for (i, extreme) in [-40, -9.5, 0, 9.5, 40].enumerated() where i < n { v[i * 7 % n] = Float(extreme) }
        return v
    }

    func expectClose(
        _ a: [Float], _ b: [Float], tolerance: Float, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(a.count == b.count, sourceLocation: sourceLocation)
        for i in 0..<min(a.count, b.count) where abs(a[i] - b[i]) > tolerance * max(1, abs(b[i])) {
            Issue.record("\(what)[\(i)]: \(a[i]) vs \(b[i])", sourceLocation: sourceLocation)
            return
        }
    }

    /// Every value of `a` has the bits of the same value of `b`.
    func expectIdentical(
        _ a: [Float], _ b: [Float], _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(a.count == b.count, sourceLocation: sourceLocation)
        for i in 0..<min(a.count, b.count) where a[i].bitPattern != b[i].bitPattern {
            Issue.record("\(what)[\(i)]: \(a[i]) vs \(b[i]) differ in bits", sourceLocation: sourceLocation)
            return
        }
    }

    @Test(arguments: lengths)
    func geluPathsIdenticalAndMatchReference(n: Int) {
        let x = values(n, seed: UInt64(n))
        let dy = values(n, seed: 7, scale: 1)
        let reference = x.map { v -> (Float, Float) in
            let v = Double(v), c = 0.7978845608028654
            let t = Foundation.tanh(c * (v + 0.044715 * v * v * v))
            let slope = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v)
            return (Float(0.5 * v * (1 + t)), Float(slope))
        }
        var results: [[[Float]]] = []
        for path in KernelPath.available {
            var y = [Float](repeating: .nan, count: n), t = y, dx = y, dxSum = [Float](repeating: 1, count: n)
            x.withUnsafeBufferPointer { px in
                GELUKernel.forward(px.baseAddress!, &y, tanhOut: &t, n, path: path)
                t.withUnsafeBufferPointer { pt in
                    GELUKernel.backward(px.baseAddress!, tanh: pt.baseAddress!, dy, &dx, n, accumulate: false, path: path)
                    GELUKernel.backward(px.baseAddress!, tanh: pt.baseAddress!, dy, &dxSum, n, accumulate: true, path: path)
                }
            }
            expectClose(y, reference.map(\.0), tolerance: 2e-6, "\(path) gelu")
            expectClose(dx, zip(reference, dy).map { $0.1 * $1 }, tolerance: 1e-5, "\(path) gelu'")
            expectIdentical(dxSum, dx.map { 1 + $0 }, "\(path) accumulated gelu'")
            expectIdentical(y, x.map(geluScalar), "\(path) gelu against geluScalar")
            results.append([y, t, dx, dxSum])
        }
        for (i, name) in ["y", "tanh", "dx", "accumulated dx"].enumerated() where results.count == 2 {
            expectIdentical(results[1][i], results[0][i], "gelu \(name) (n = \(n))")
        }
    }

    @Test(arguments: lengths)
    func layerNormPathsIdentical(c: Int) {
        let rows = 7
        let x = values(rows * c, seed: UInt64(c)).map { $0 + 2 }, dy = values(rows * c, seed: 3, scale: 1)
        let w = values(c, seed: 4, scale: 1), b = values(c, seed: 5, scale: 1)
        var results: [[[Float]]] = []
        for path in KernelPath.available {
            for bias in [b, nil] {
                var y = [Float](repeating: .nan, count: rows * c), mean = [Float](repeating: 0, count: rows), rstd = mean
                var dx = y, dxSum = [Float](repeating: 1, count: rows * c)
                var dw = [Float](repeating: 0.5, count: c), db = dw
                withOptionalPointer(bias) { pb in
                    LayerNormKernel.forward(
                        x, weight: w, bias: pb, &y, mean: &mean, rstd: &rstd, rows: rows, c: c, eps: 1e-5, path: path)
                }
                LayerNormKernel.backward(
                    x, weight: w, mean: mean, rstd: rstd, dy, &dx, dw: &dw, db: &db, rows: rows, c: c,
                    accumulate: false, path: path)
                var scratchW = dw, scratchB = db
                LayerNormKernel.backward(
                    x, weight: w, mean: mean, rstd: rstd, dy, &dxSum, dw: &scratchW, db: &scratchB, rows: rows, c: c,
                    accumulate: true, path: path)
                expectIdentical(dxSum, dx.map { 1 + $0 }, "\(path) accumulated dx")
                results.append([y, mean, rstd, dx, dw, db])
            }
        }
        // Against a double-precision forward.
        for r in 0..<rows {
            let row = x[(r * c)..<((r + 1) * c)].map(Double.init)
            let m = row.reduce(0, +) / Double(c)
            let sd = 1 / (row.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(c) + 1e-5).squareRoot()
            let want = (0..<c).map { Float((row[$0] - m) * sd * Double(w[$0]) + Double(b[$0])) }
            for result in results.enumerated() where result.offset % 2 == 0 {
                expectClose(Array(result.element[0][(r * c)..<((r + 1) * c)]), want, tolerance: 1e-5, "y")
            }
        }
        guard results.count == 4 else { return }
        for (i, name) in ["y", "mean", "rstd", "dx", "dw", "db"].enumerated() {
            expectIdentical(results[2][i], results[0][i], "layerNorm \(name) (c = \(c))")
            expectIdentical(results[3][i], results[1][i], "layerNorm without bias \(name) (c = \(c))")
        }
    }

    @Test func softmaxPathsIdenticalAndMatchReference() {
        for n in Array(1...40) + [64, 97, 257, 1000] {
            var x = values(n, seed: UInt64(n), scale: 8)
            if n > 3 { x[n - 2] = -.infinity }  // a masked position
            let mx = Double(x.max()!)
            let sum = x.reduce(0.0) { $0 + Foundation.exp(Double($1) - mx) }
            let want = x.map { Float(Foundation.exp(Double($0) - mx) / sum) }
            var results: [([Float], Float)] = []
            for path in KernelPath.available {
                var y = x
                let lse = y.withUnsafeMutableBufferPointer { SoftmaxKernel.row($0.baseAddress!, $0.baseAddress!, n, path: path) }
                expectClose(y, want, tolerance: 1e-6, "\(path) softmax of \(n)")
                #expect(abs(Double(lse) - (mx + Foundation.log(sum))) < 1e-5 * max(1, abs(mx)), "\(path) lse of \(n)")
                results.append((y, lse))
            }
            guard results.count == 2 else { continue }
            expectIdentical(results[1].0, results[0].0, "softmax of \(n)")
            #expect(results[1].1.bitPattern == results[0].1.bitPattern, "lse of \(n)")
        }
    }

    @Test(arguments: [1, 7, 15, 16, 17, 31, 97, 1000, 1029])
    func adamWPathsIdentical(n: Int) {
        var results: [[Float]] = []
        for path in KernelPath.available {
            var w = values(n, seed: 1, scale: 0.1), m = [Float](repeating: 0, count: n), v = m
            for step in 1...3 {
                let g = values(n, seed: UInt64(10 + step), scale: 0.01)
                let s = AdamWKernel.Step(
                    beta1: 0.9, beta2: 0.95, stepSize: 3e-4 / (1 - Float(pow(0.9, Double(step)))),
                    bias2Sqrt: Float((1 - pow(0.95, Double(step))).squareRoot()), eps: 1e-8, shrink: 1 - 3e-5)
                AdamWKernel.update(weights: &w, m: &m, v: &v, gradients: g, count: n, s, path: path)
            }
            results.append(w + m + v)
        }
        if results.count == 2 { expectIdentical(results[1], results[0], "adamW (n = \(n))") }
    }

    /// The portable 16-lane helpers add in the documented tree order.
    @Test(arguments: [0, 1, 7, 8, 15, 16, 17, 31, 97, 1000])
    func laneSumFollowsTheSpec(n: Int) {
        let x = values(n, seed: UInt64(100 + n)), y = values(n, seed: UInt64(200 + n))
        func spec(_ v: [Float]) -> Float {
            var p = [Float](repeating: 0, count: 16)
            for (i, e) in v.enumerated() { p[i % 16] += e }
            let s = (0..<8).map { p[$0] + p[$0 + 8] }
            let t = (0..<4).map { s[$0] + s[$0 + 4] }
            let u = (0..<2).map { t[$0] + t[$0 + 2] }
            return u[0] + u[1]
        }
        let sum = x.withUnsafeBufferPointer { LaneSum.sum($0.baseAddress ?? UnsafePointer(bitPattern: 8)!, n) }
        let dot = x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer {
                LaneSum.dot(px.baseAddress ?? UnsafePointer(bitPattern: 8)!, $0.baseAddress ?? UnsafePointer(bitPattern: 8)!, n)
            }
        }
        #expect(sum.bitPattern == spec(x).bitPattern)
        #expect(dot.bitPattern == spec(zip(x, y).map { $0 * $1 }).bitPattern)
        if n > 0 {
            let mx = x.withUnsafeBufferPointer { LaneSum.maximum($0.baseAddress!, n) }
            #expect(mx == x.max()!)
        }
    }

    /// The causal attention kernels against the BLAS products over the whole square: outputs,
    /// fresh gradients and accumulated ones, at lengths off the 4-row and 8-column blocks.
    @Test(arguments: [(1, 8), (5, 8), (13, 24), (64, 32)])
    func attentionPathsAgree(t: Int, hs: Int) throws {
        let (b, nh) = (2, 2), c = 2 * hs
        let qkv = try Tensor(values(b * t * 3 * c, seed: UInt64(t), scale: 1), shape: [b, t, 3 * c])
        let dy = values(b * t * c, seed: 9, scale: 1)
        var results: [(y: [Float], once: [Float], twice: [Float])] = []
        for path in KernelPath.available {
            qkv.requiresGrad = true
            qkv.grad = nil
            let y = try qkv.causalSelfAttention(heads: nh, path: path)
            try y.backward(gradient: dy)
            let once = qkv.grad ?? []
            try qkv.causalSelfAttention(heads: nh, path: path).backward(gradient: dy)
            results.append((y.data, once, qkv.grad ?? []))
        }
        for r in results {
            expectClose(r.y, results[0].y, tolerance: 1e-5, "attention y")
            expectClose(r.once, results[0].once, tolerance: 1e-5, "attention dqkv")
            expectClose(r.twice, results[0].once.map { 2 * $0 }, tolerance: 1e-5, "accumulated dqkv")
        }
    }
}

/// Ops write a gradient into a fresh buffer and add into an existing one: a second backward
/// must add exactly the first one's gradient again.
@Suite struct GradientAccumulationTests {
    func expectSecondBackwardDoubles(
        _ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) throws -> Tensor
    ) throws {
        for t in inputs { t.requiresGrad = true; t.grad = nil }
        try f(inputs).sum().backward()
        let once = inputs.map { $0.grad ?? [] }
        try f(inputs).sum().backward()
        for (t, g) in zip(inputs, once) {
            let twice = t.grad ?? []
            #expect(twice.count == g.count, sourceLocation: sourceLocation)
            for (a, b) in zip(twice, g) where abs(a - 2 * b) > 1e-5 * max(1, abs(b)) {
                Issue.record("\(a) is not twice \(b)", sourceLocation: sourceLocation)
                break
            }
        }
    }

    @Test func everyFusedOpAccumulates() throws {
        let x = randomTensor([2, 5, 24], seed: 1), w = randomTensor([24, 12], seed: 2), b = randomTensor([12], seed: 3)
        try expectSecondBackwardDoubles([x, w, b]) { try $0[0].linear(weight: $0[1], bias: $0[2]).gelu() }
        try expectSecondBackwardDoubles([x, w]) { try $0[0].matmul($0[1]).scaled(0.5) }
        try expectSecondBackwardDoubles([x, x]) { try $0[0].matmul($0[1], transposeA: true) }
        try expectSecondBackwardDoubles([x]) { try $0[0].causalSelfAttention(heads: 2) }
        let lw = randomTensor([24], seed: 4), lb = randomTensor([24], seed: 5)
        try expectSecondBackwardDoubles([x, lw, lb]) { try $0[0].layerNorm(weight: $0[1], bias: $0[2]).gelu() }
        let logits = randomTensor([10, 24], seed: 6)
        try expectSecondBackwardDoubles([logits]) {
            try $0[0].crossEntropy(targets: [0, 5, -100, 23, 1, 2, 3, 4, 5, 6], weights: [1, 0, 1, 2, 1, 1, 1, 1, 1, 0.5])
        }
        let pos = randomTensor([5, 24], seed: 7)
        try expectSecondBackwardDoubles([x, pos]) { try $0[0] + $0[1] }
    }
}
