import Testing

@testable import Tensor

/// Products large enough to run in parallel: a backward's GEMMs (dX, dW, and the bias sums)
/// run together in one region, and must equal the same products computed one by one.
@Suite struct GradientProductTests {
    /// Within float rounding: the reference sums in another order (another kernel, or two
    /// products instead of one).
    func expectClose(_ actual: [Float]?, _ expected: [Float], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let actual, actual.count == expected.count else {
            Issue.record("gradient missing or of the wrong size", sourceLocation: sourceLocation)
            return
        }
        let worst = zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst < 1e-4, "largest relative difference \(worst)", sourceLocation: sourceLocation)
    }

    @Test func linearBackwardEqualsSeparateProducts() throws {
        let x = randomTensor([4, 64, 96], seed: 1), w = randomTensor([96, 80], seed: 2), b = randomTensor([80], seed: 3)
        let dy = randomTensor([4, 64, 80], seed: 4)
        for t in [x, w, b] { t.requiresGrad = true }
        try x.linear(weight: w, bias: b).backward(gradient: dy.data)
        let rows = try x.reshaped([256, 96]), dy2 = try dy.reshaped([256, 80])
        let gx = try dy2.matmul(w, transposeB: true).data
        let gw = try rows.matmul(dy2, transposeA: true).data
        let gb = try dy2.sum(axes: [0]).data
        expectClose(x.grad, gx)
        expectClose(w.grad, gw)
        expectClose(b.grad, gb)
        // A second backward adds into the gradients it finds.
        try x.linear(weight: w, bias: b).backward(gradient: dy.data)
        expectClose(x.grad, gx.map { 2 * $0 })
        expectClose(w.grad, gw.map { 2 * $0 })
        expectClose(b.grad, gb.map { 2 * $0 })
    }

    @Test func linearBackwardWithAFrozenInput() throws {
        let x = randomTensor([256, 96], seed: 5), w = randomTensor([96, 80], seed: 6)
        let dy = randomTensor([256, 80], seed: 7)
        w.requiresGrad = true
        try x.linear(weight: w, bias: nil).backward(gradient: dy.data)
        #expect(x.grad == nil)
        expectClose(w.grad, try x.matmul(dy, transposeA: true).data)
    }

    @Test func matmulBackwardEqualsSeparateProducts() throws {
        // An output head: (rows, C) x (V, C)^T, as GPT's tied embeddings use it.
        let h = randomTensor([256, 96], seed: 8), e = randomTensor([200, 96], seed: 9)
        let dy = randomTensor([256, 200], seed: 10)
        for t in [h, e] { t.requiresGrad = true }
        try h.matmul(e, transposeB: true).backward(gradient: dy.data)
        expectClose(h.grad, try dy.matmul(e).data)
        expectClose(e.grad, try dy.matmul(h, transposeA: true).data)
    }

    @Test func matmulOfATensorWithItself() throws {
        // Both gradients land in one buffer, so the two products must not run at once.
        let x = randomTensor([256, 96], seed: 11), dy = randomTensor([256, 256], seed: 12)
        x.requiresGrad = true
        try x.matmul(x, transposeB: true).backward(gradient: dy.data)
        let expected = try (dy + dy.transposed()).matmul(x).data
        expectClose(x.grad, expected)
    }
}
