import Foundation
import Testing

@testable import Tensor

@Suite struct TensorBehaviourTests {
    @Test func shapeErrorsAreThrownAndNameShapes() throws {
        let a = Tensor.zeros([4, 8]), b = Tensor.zeros([5, 3])
        #expect(throws: TensorError("matmul", "[4, 8] x [5, 3]: inner dimensions 8 and 5 differ")) {
            try a.matmul(b)
        }
        #expect(throws: TensorError.self) { try a + Tensor.zeros([3]) }
        #expect(throws: TensorError.self) { try a.reshaped([5, 5]) }
        #expect(throws: TensorError.self) { try Tensor([1, 2, 3], shape: [2, 2]) }
        #expect(throws: TensorError.self) { try Tensor.embedding(a, indices: [4], shape: [1]) }
        #expect(throws: TensorError.self) { try a.crossEntropy(targets: [0, 1, 2, 9]) }
        #expect(throws: TensorError.self) { try a.sum(axes: [2]) }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 9]).causalSelfAttention(heads: 2) }
        let message = "\(TensorError("matmul", "[4, 8] x [5, 3]: inner dimensions 8 and 5 differ"))"
        #expect(message == "matmul: [4, 8] x [5, 3]: inner dimensions 8 and 5 differ")
    }

    @Test func seededRandomIsReproducible() {
        var r1 = SeededRandom(seed: 7), r2 = SeededRandom(seed: 7), r3 = SeededRandom(seed: 8)
        let a = r1.normal(count: 100), b = r2.normal(count: 100), c = r3.normal(count: 100)
        #expect(a == b)
        #expect(a != c)
        var xs = Array(0..<20), ys = Array(0..<20)
        r1.shuffle(&xs)
        r2.shuffle(&ys)
        #expect(xs == ys)
        #expect(xs.sorted() == Array(0..<20))
        let draws = (0..<1000).map { _ in r1.randint(6) }
        #expect(Set(draws) == Set(0..<6))
        let mean = a.reduce(0, +) / 100
        #expect(abs(mean) < 0.3)
    }

    @Test func reshapeSharesStorageUntilWritten() throws {
        let a = try Tensor([1, 2, 3, 4], shape: [2, 2])
        let b = try a.reshaped([4])
        b.data[0] = 9
        #expect(a.data[0] == 1)
        #expect(b.data == [9, 2, 3, 4])
    }

    @Test func noGradRecordsNothing() throws {
        let w = Tensor.full([2], 1, requiresGrad: true)
        let y = try noGrad { try (w * w).sum() }
        #expect(!y.requiresGrad)
        #expect(throws: TensorError.self) { try y.backward() }
    }

    @Test func gradientsAccumulateUntilZeroed() throws {
        let w = try Tensor([2, 3], shape: [2], requiresGrad: true)
        try (w * w).sum().backward()
        try (w * w).sum().backward()
        #expect(w.grad == [8, 12])
        w.zeroGrad()
        #expect(w.grad == nil)
        // A tensor used twice gets both contributions.
        let x = try Tensor([1, 2], shape: [2], requiresGrad: true)
        try (x * x + x).sum().backward()
        #expect(x.grad == [3, 5])
    }

    @Test func clippingScalesToTheNorm() throws {
        let a = Tensor.zeros([2], requiresGrad: true), b = Tensor.zeros([1], requiresGrad: true)
        a.grad = [3, 0]
        b.grad = [4]
        let norm = clipGradNorm([a, b], maxNorm: 1)
        #expect(abs(norm - 5) < 1e-6)
        #expect(abs(a.grad![0] - 0.6) < 1e-4)
        #expect(abs(b.grad![0] - 0.8) < 1e-4)
    }

    @Test func forwardValues() throws {
        let x = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(try x.sum(axes: [0]).data == [5, 7, 9])
        #expect(try x.max(axis: 1).data == [3, 6])
        #expect(try x.transposed().data == [1, 4, 2, 5, 3, 6])
        #expect(try x.matmul(x, transposeB: true).data == [14, 32, 32, 77])
        let p = try x.softmax()
        #expect(abs(p.data[0..<3].reduce(0, +) - 1) < 1e-6)
        let ce = try x.crossEntropy(targets: [2, -100])
        let expected = -Float(log(exp(3.0) / (exp(1.0) + exp(2.0) + exp(3.0))))
        #expect(abs(ce.item - expected) < 1e-5)
        #expect(abs(Tensor.scalar(1).gelu().item - 0.841192) < 1e-5)
    }
}

@Suite struct SIMDMathTests {
    @Test func vectorisedExpAndTanhMatchLibm() {
        for base in stride(from: -20 as Float, to: 20, by: 0.37) {
            let v = SIMD8<Float>((0..<8).map { base + Float($0) * 0.041 })
            let e = simdExp(v), t = simdTanh(v)
            for i in 0..<8 {
                #expect(abs(e[i] - Foundation.exp(v[i])) <= 2e-6 * Foundation.exp(v[i]))
                #expect(abs(t[i] - Foundation.tanh(v[i])) <= 2e-6)
            }
        }
        // GELU over a length that is not a multiple of 8 uses both paths.
        let x = Tensor.randn([13], seed: 3)
        let y = x.gelu()
        for i in 0..<13 {
            let v = Double(x.data[i])
            let ref = 0.5 * v * (1 + Foundation.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))
            #expect(abs(Double(y.data[i]) - ref) < 1e-6)
        }
    }
}
