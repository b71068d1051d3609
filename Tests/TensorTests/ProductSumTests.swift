import Testing

@testable import Tensor

@Suite struct ProductSumTests {
    @Test func gradientsMatchFiniteDifferences() throws {
        let x = randomTensor([2, 3, 4], seed: 21), w = randomTensor([5, 4], seed: 22)
        let low = randomTensor([2, 3, 2], seed: 23), b = randomTensor([5, 2], seed: 24)
        try gradCheck([x, w, low, b]) { try Tensor.productSum($0[0], $0[1], $0[2], $0[3]) }
    }

    @Test func equalsTheSumOfTheTwoProducts() throws {
        let x = randomTensor([3, 6], seed: 31), w = randomTensor([4, 6], seed: 32)
        let low = randomTensor([3, 2], seed: 33), b = randomTensor([4, 2], seed: 34)
        let fused = try Tensor.productSum(x, w, low, b)
        let composed = try x.matmul(w, transposeB: true) + low.matmul(b, transposeB: true)
        #expect(fused.shape == [3, 4])
        for (f, c) in zip(fused.data, composed.data) { #expect(abs(f - c) <= 1e-5 * max(1, abs(c))) }
        #expect(throws: TensorError.self) { try Tensor.productSum(x, w, low, randomTensor([5, 2], seed: 1)) }
        #expect(throws: TensorError.self) { try Tensor.productSum(x, w, randomTensor([2, 2], seed: 1), b) }
    }
}
