import Foundation
import Testing

@testable import Tensor

/// A finite-difference check for every differentiable op.
@Suite struct OpGradientTests {
    @Test func addSubMulDivBroadcast() throws {
        let a = randomTensor([2, 3, 4], seed: 1), b = randomTensor([3, 1], seed: 2)
        try gradCheck([a, b]) { try $0[0] + $0[1] }
        try gradCheck([a, b]) { try $0[0] - $0[1] }
        try gradCheck([a, b]) { try $0[0] * $0[1] }
        let d = try Tensor([1.5, -2, 2.5, 3], shape: [4])
        try gradCheck([a, d]) { try $0[0] / $0[1] }
        try gradCheck([a]) { $0[0].neg() }
        let same = randomTensor([2, 3, 4], seed: 3)
        try gradCheck([a, same]) { try $0[0] + $0[1] }
        // A trailing-shape operand (token plus position embeddings) is added to every row.
        try gradCheck([a, randomTensor([3, 4], seed: 30)]) { try $0[0] + $0[1] }
        try gradCheck([a, randomTensor([4], seed: 31)]) { try $0[0] + $0[1] }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmul(_ flags: (Bool, Bool)) throws {
        let (ta, tb) = flags
        let a = randomTensor(ta ? [4, 3] : [3, 4], seed: 4), b = randomTensor(tb ? [5, 4] : [4, 5], seed: 5)
        try gradCheck([a, b]) { try $0[0].matmul($0[1], transposeA: ta, transposeB: tb) }
        let ba = randomTensor(ta ? [2, 4, 3] : [2, 3, 4], seed: 6), bb = randomTensor(tb ? [2, 5, 4] : [2, 4, 5], seed: 7)
        try gradCheck([ba, bb]) { try $0[0].matmul($0[1], transposeA: ta, transposeB: tb) }
        try gradCheck([ba, b]) { try $0[0].matmul($0[1], transposeA: ta, transposeB: tb) }
    }

    @Test func linear() throws {
        let x = randomTensor([2, 3, 4], seed: 8), w = randomTensor([4, 5], seed: 9), b = randomTensor([5], seed: 10)
        try gradCheck([x, w, b]) { try $0[0].linear(weight: $0[1], bias: $0[2]) }
        try gradCheck([x, w]) { try $0[0].linear(weight: $0[1], bias: nil) }
    }

    @Test func reductions() throws {
        let x = randomTensor([2, 3, 4], seed: 11)
        try gradCheck([x]) { $0[0].sum() }
        try gradCheck([x]) { $0[0].mean() }
        try gradCheck([x]) { try $0[0].sum(axes: [1]) }
        try gradCheck([x]) { try $0[0].sum(axes: [0, -1], keepDims: true) }
        try gradCheck([x]) { try $0[0].mean(axes: [2]) }
        try gradCheck([x]) { try $0[0].max(axis: 1) }
        try gradCheck([x]) { try $0[0].max(axis: -1, keepDims: true) }
    }

    @Test func unary() throws {
        let x = randomTensor([3, 5], seed: 12)
        let positive = try Tensor(x.data.map { abs($0) + 0.5 }, shape: [3, 5])
        try gradCheck([x]) { $0[0].exp() }
        try gradCheck([positive]) { $0[0].log() }
        try gradCheck([x]) { $0[0].tanh() }
        try gradCheck([x]) { $0[0].sigmoid() }
        try gradCheck([positive]) { $0[0].shifted(-1).relu() }
        try gradCheck([x]) { $0[0].gelu() }
        // Long enough for the vectorised kernels' 8-lane body and tail.
        try gradCheck([randomTensor([3, 37], seed: 32)]) { $0[0].gelu() }
        try gradCheck([x]) { $0[0].silu() }
        try gradCheck([x]) { $0[0].scaled(3).shifted(1) }
    }

    @Test func softmaxFamily() throws {
        let x = randomTensor([3, 6], seed: 13)
        try gradCheck([x]) { try $0[0].softmax() }
        try gradCheck([x]) { try $0[0].logSoftmax() }
        try gradCheck([x]) { try $0[0].crossEntropy(targets: [1, 5, 0]) }
        try gradCheck([x]) { try $0[0].crossEntropy(targets: [1, -100, 0], weights: [0.5, 1, 2]) }
        let soft: [Float] = [0.5, 0.5, 0, 0, 0, 0, 0.1, 0.2, 0.3, 0.4, 0, 0, 0, 0, 0, 0, 0, 1]
        try gradCheck([x]) { try $0[0].softCrossEntropy(targets: soft) }
        // One-hot soft targets are the hard cross-entropy.
        var oneHot = [Float](repeating: 0, count: 18)
        for (row, target) in [1, 5, 0].enumerated() { oneHot[row * 6 + target] = 1 }
        let hard = try x.crossEntropy(targets: [1, 5, 0]).data[0], viaSoft = try x.softCrossEntropy(targets: oneHot).data[0]
        #expect(abs(hard - viaSoft) < 1e-5)
        #expect(throws: TensorError.self) { try x.softCrossEntropy(targets: [0.5]) }
        #expect(throws: TensorError.self) { try x.softCrossEntropy(targets: [Float](repeating: -1, count: 18)) }
    }

    @Test func norms() throws {
        let x = randomTensor([2, 3, 6], seed: 14), w = randomTensor([6], seed: 15), b = randomTensor([6], seed: 16)
        try gradCheck([x, w, b]) { try $0[0].layerNorm(weight: $0[1], bias: $0[2]) }
        try gradCheck([x, w]) { try $0[0].rmsNorm(weight: $0[1]) }
        let wide = randomTensor([4, 21], seed: 33), ww = randomTensor([21], seed: 34), wb = randomTensor([21], seed: 35)
        try gradCheck([wide, ww, wb]) { try $0[0].layerNorm(weight: $0[1], bias: $0[2]) }
        try gradCheck([wide, ww]) { try $0[0].layerNorm(weight: $0[1], bias: nil) }
    }

    @Test func rotaryEmbedding() throws {
        // 2 heads of 6 values, 4 of them rotated; positions start at 3.
        let x = randomTensor([2, 3, 12], seed: 31)
        try gradCheck([x]) { try $0[0].rotaryEmbedding(heads: 2, dimensions: 4, theta: 10, offset: 3) }
    }

    /// Position p turns pair i by p * theta^(-2i/d); the unrotated tail of a head passes through.
    @Test func rotaryEmbeddingValues() throws {
        let x = try Tensor([1, 0, 0, 1, 5, 6], shape: [1, 1, 6])
        let y = try x.rotaryEmbedding(heads: 1, dimensions: 4, theta: 100, offset: 2)
        let a0: Float = 2, a1: Float = 2 / 10  // 100^(-2/4) = 1/10
        let want: [Float] = [cos(a0), sin(a0), -sin(a1), cos(a1), 5, 6]
        for (got, expected) in zip(y.data, want) { #expect(abs(got - expected) < 1e-6) }
        #expect(throws: TensorError.self) { try x.rotaryEmbedding(heads: 1, dimensions: 3, theta: 100) }
    }

    @Test func indexing() throws {
        let table = randomTensor([5, 3], seed: 17)
        try gradCheck([table]) { try Tensor.embedding($0[0], indices: [1, 4, 1, 0], shape: [2, 2]) }
        let x = randomTensor([2, 5], seed: 18)
        try gradCheck([x]) { try $0[0].gather(indices: [0, 3, 3, 4, 1, 0], k: 3) }
        try gradCheck([x]) { try $0[0].maskedFill(mask: [true, false, false, true, false], maskShape: [5], value: -1) }
        try gradCheck([x]) { x in
            var rng = SeededRandom(seed: 5)
            return try x[0].dropout(0.3, rng: &rng)
        }
    }

    @Test func shapeOps() throws {
        let x = randomTensor([2, 3, 4], seed: 19), y = randomTensor([2, 1, 4], seed: 20)
        try gradCheck([x]) { try $0[0].reshaped([6, -1]) }
        try gradCheck([x]) { try $0[0].permuted([2, 0, 1]) }
        try gradCheck([x]) { try $0[0].transposed(0, 2) }
        try gradCheck([x]) { try $0[0].slice(axis: 1, 1..<3) }
        try gradCheck([x, y]) { try Tensor.concat([$0[0], $0[1]], axis: 1) }
        try gradCheck([x]) { x in
            let parts = try x[0].split([1, 3], axis: 2)
            return try parts[1].sum(axes: [2], keepDims: true) * parts[0]
        }
    }

    /// Head sizes 2 and 4 run the BLAS path; 8 and 16 the causal kernels (on AVX2 machines).
    @Test(arguments: [(1, 4), (2, 4), (2, 16), (1, 16)])
    func causalAttention(heads: Int, width: Int) throws {
        let qkv = randomTensor([2, 6, 3 * width], seed: 21)
        try gradCheck([qkv]) { try $0[0].causalSelfAttention(heads: heads) }
    }

    /// The fused attention equals the composed form (matmul, mask, softmax, matmul) per head.
    @Test func attentionMatchesComposed() throws {
        let (b, t, c, nh) = (2, 5, 8, 2)
        let hs = c / nh
        let qkv = randomTensor([b, t, 3 * c], seed: 22)
        let fused = try qkv.causalSelfAttention(heads: nh)
        let parts = try qkv.split([c, c, c], axis: 2)
        func heads(_ x: Tensor) throws -> Tensor {
            try x.reshaped([b, t, nh, hs]).permuted([0, 2, 1, 3]).reshaped([b * nh, t, hs])
        }
        let q = try heads(parts[0]), k = try heads(parts[1]), v = try heads(parts[2])
        var mask = [Bool]()
        for i in 0..<t { for j in 0..<t { mask.append(j > i) } }
        let att = try q.matmul(k, transposeB: true).scaled(1 / Float(hs).squareRoot())
            .maskedFill(mask: mask, maskShape: [t, t], value: -.infinity).softmax()
        let y = try att.matmul(v).reshaped([b, nh, t, hs]).permuted([0, 2, 1, 3]).reshaped([b, t, c])
        for (u, w) in zip(fused.data, y.data) { #expect(abs(u - w) < 1e-5) }
    }
}
