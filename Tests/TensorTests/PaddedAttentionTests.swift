import PortableMath
import Testing

@testable import Tensor

/// BERT's padded bidirectional attention and exact GELU.
@Suite(.serialized) struct PaddedAttentionTests {
    @Test func attentionGradientsMatchFiniteDifferences() throws {
        let qkv = randomTensor([3, 5, 12], seed: 11)
        try gradCheck([qkv]) { try $0[0].selfAttention(heads: 2, lengths: [3, 5, 1]) }
    }

    /// Against softmax(QK^T/sqrt(hs))V built from separate ops, per sequence over its own length.
    @Test func attentionMatchesTheComposedFormula() throws {
        let (b, t, c, nh) = (2, 6, 8, 2)
        let hs = c / nh
        let qkv = randomTensor([b, t, 3 * c], seed: 12)
        let lengths = [4, 6]
        let y = try qkv.selfAttention(heads: nh, lengths: lengths)
        for (bi, l) in lengths.enumerated() {
            for h in 0..<nh {
                func part(_ k: Int) throws -> Tensor {
                    try qkv.slice(axis: 0, bi..<(bi + 1)).slice(axis: 1, 0..<l).slice(
                        axis: 2, (k * c + h * hs)..<(k * c + (h + 1) * hs)
                    ).reshaped([l, hs])
                }
                let s = try part(0).matmul(part(1), transposeB: true).scaled(1 / Float(hs).squareRoot())
                let want = try s.softmax().matmul(part(2))  // (L, hs)
                for r in 0..<t {
                    for j in 0..<hs {
                        let got = y.data[(bi * t + r) * c + h * hs + j]
                        if r < l {
                            #expect(abs(got - want.data[r * hs + j]) < 1e-5)
                        } else {
                            #expect(got == 0, "padding row \(r) must be zero")
                        }
                    }
                }
            }
        }
    }

    /// A sequence's outputs and gradients have the same bits alone as in a padded batch.
    @Test func paddingNeverChangesASequence() throws {
        let (t, c) = (9, 16)
        let batch = randomTensor([3, t, 3 * c], seed: 13)
        let lengths = [5, 9, 2]
        batch.requiresGrad = true
        let y = try batch.selfAttention(heads: 4, lengths: lengths)
        let probe = randomTensor([3, t, c], seed: 14)
        try (y * probe).sum().backward()
        // A batch of empty sequences is all padding.
        let empty = try batch.selfAttention(heads: 4, lengths: [0, 0, 0])
        #expect(empty.shape == [3, t, c] && empty.data.allSatisfy { $0 == 0 })
        for (bi, l) in lengths.enumerated() {
            let alone = try Tensor(
                Array(batch.data[(bi * t * 3 * c)..<((bi * t + l) * 3 * c)]), shape: [1, l, 3 * c], requiresGrad: true)
            let ya = try alone.selfAttention(heads: 4, lengths: [l])
            let pa = try Tensor(Array(probe.data[(bi * t * c)..<((bi * t + l) * c)]), shape: [1, l, c])
            try (ya * pa).sum().backward()
            #expect(ya.data == Array(y.data[(bi * t * c)..<((bi * t + l) * c)]))
            #expect(alone.grad! == Array(batch.grad![(bi * t * 3 * c)..<((bi * t + l) * 3 * c)]))
        }
    }

    /// Outputs and gradients: the same bits on every kernel path and thread count.
    @Test func sameBitsOnEveryPathAndThreadCount() throws {
        func run() throws -> [[Float]] {
            let qkv = randomTensor([4, 37, 3 * 48], seed: 15)
            let x = randomTensor([4, 37, 48], seed: 16)
            qkv.requiresGrad = true
            x.requiresGrad = true
            let y = try qkv.selfAttention(heads: 3, lengths: [37, 1, 20, 33])
            let g = x.geluErf()
            try ((y * g).sum()).backward()
            return [y.data, g.data, qkv.grad!, x.grad!]
        }
        let reference = try KernelSettings.with(.portable, threads: 1) { try run() }
        try KernelSettings.forEachPath { path, threads in
            for (i, (a, b)) in zip(try run(), reference).enumerated() {
                #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "result \(i), \(path), \(threads) threads")
            }
        }
    }

    /// Packed sequences (no padding rows) get the bits they get padded, outputs and gradients,
    /// on every kernel path and thread count (head size 16: the fused AVX2 kernel runs).
    @Test func packedSequencesHaveTheirPaddedBits() throws {
        let (t, c) = (37, 48)
        let lengths = [37, 1, 20, 0, 33, 9]
        let padded = randomTensor([lengths.count, t, 3 * c], seed: 21)
        let probe = randomTensor([lengths.count, t, c], seed: 22)
        /// The real rows of a padded `[B, T, w]` buffer, one sequence after another.
        func pack(_ values: [Float], width w: Int) -> [Float] {
            lengths.enumerated().flatMap { bi, l in values[(bi * t * w)..<((bi * t + l) * w)] }
        }
        /// Padded and packed outputs and input gradients, each as packed rows.
        func run() throws -> [[Float]] {
            let a = try Tensor(padded.data, shape: padded.shape, requiresGrad: true)
            let ya = try a.selfAttention(heads: 3, lengths: lengths)
            try (ya * probe).sum().backward()
            let n = lengths.reduce(0, +)
            let b = try Tensor(pack(padded.data, width: 3 * c), shape: [n, 3 * c], requiresGrad: true)
            let yb = try b.packedSelfAttention(heads: 3, lengths: lengths)
            try (yb * Tensor(pack(probe.data, width: c), shape: [n, c])).sum().backward()
            return [pack(ya.data, width: c), yb.data, pack(a.grad!, width: 3 * c), b.grad!]
        }
        let reference = try KernelSettings.with(.portable, threads: 1) { try run() }
        #expect(reference[0].map(\.bitPattern) == reference[1].map(\.bitPattern))
        #expect(reference[2].map(\.bitPattern) == reference[3].map(\.bitPattern))
        try KernelSettings.forEachPath { path, threads in
            for (i, got) in try run().enumerated() {
                let want = reference[i < 2 ? 0 : 2]
                #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "result \(i), \(path), \(threads) threads")
            }
        }
        let qkv = randomTensor([5, 12], seed: 1)
        #expect(throws: TensorError.self) { try qkv.packedSelfAttention(heads: 2, lengths: [3, 3]) }
        #expect(throws: TensorError.self) { try qkv.packedSelfAttention(heads: 2, lengths: [6, -1]) }
        #expect(throws: TensorError.self) { try qkv.packedSelfAttention(heads: 5, lengths: [5]) }
        #expect(throws: TensorError.self) { try randomTensor([1, 5, 12], seed: 1).packedSelfAttention(heads: 2, lengths: [5]) }
    }

    @Test func badLengthsAreRefused() {
        let qkv = randomTensor([2, 3, 12], seed: 1)
        #expect(throws: TensorError.self) { try qkv.selfAttention(heads: 2, lengths: [3]) }
        #expect(throws: TensorError.self) { try qkv.selfAttention(heads: 2, lengths: [3, 4]) }
        #expect(throws: TensorError.self) { try qkv.selfAttention(heads: 5, lengths: [3, 3]) }
    }

    /// Exact GELU within 3e-7 (times max(1, |x|)) of `0.5 x erfc(-x / sqrt 2)` in Double, and its gradient.
    @Test func geluErfMatchesTheErfFormula() throws {
        let xs: [Float] = stride(from: -9, through: 9, by: 0.013).map { Float($0) } + [0, -0, 1e-20, 40, -40]
        let y = try Tensor(xs, shape: [xs.count]).geluErf()
        for (x, got) in zip(xs, y.data) {
            let want = 0.5 * Double(x) * Reproducible.erfc(-Double(x) / 2.0.squareRoot())
            #expect(abs(Double(got) - want) <= 3e-7 * max(1, abs(Double(x))), "gelu(\(x)) = \(got), want \(want)")
            #expect(geluErfScalar(x).bitPattern == got.bitPattern)
        }
        try gradCheck([randomTensor([3, 37], seed: 17, std: 2)], eps: 1e-2, tolerance: 2e-2) { $0[0].geluErf() }
    }
}
