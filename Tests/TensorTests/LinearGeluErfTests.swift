import Testing

@testable import Tensor

/// `linearGeluErf` (GELU applied to the product's tiles while in cache) against `linear` then
/// `geluErf`: the same bits, on every kernel path and thread count.
@Suite(.serialized) struct LinearGeluErfTests {
    @Test func fusedGELUHasTheBitsOfTheTwoOps() throws {
        // (rows, in, out): a GEMV, two K blocks with edge tiles split by rows, a wide product split by columns.
        let shapes = [(1, 24, 40), (70, 520, 37), (20, 40, 400)]
        func run() throws -> [[Float]] {
            try shapes.enumerated().flatMap { i, s -> [[Float]] in
                let x = randomTensor([s.0, s.1], seed: UInt64(30 + i), std: 2)
                let w = randomTensor([s.1, s.2], seed: UInt64(40 + i), std: 0.2)
                let b = randomTensor([s.2], seed: UInt64(50 + i))
                w.requiresGrad = true
                let fused = try noGrad { try x.linearGeluErf(weight: w, bias: b) }
                #expect(fused.shape == [s.0, s.2] && !fused.requiresGrad)
                let recorded = try x.linearGeluErf(weight: w, bias: b)
                #expect(recorded.requiresGrad, "with a gradient to compute, the two ops are recorded")
                let twoOps = try noGrad { try x.linear(weight: w, bias: b).geluErf() }
                return [fused.data, recorded.data, twoOps.data]
            }
        }
        let reference = try KernelSettings.with(.portable, threads: 1) { try run() }
        try KernelSettings.forEachPath { path, threads in
            for (i, got) in try run().enumerated() {
                let want = reference[i / 3 * 3 + 2]
                #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "result \(i), \(path), \(threads) threads")
            }
        }
        #expect(throws: TensorError.self) {
            try noGrad { try randomTensor([2, 3], seed: 1).linearGeluErf(weight: randomTensor([4, 5], seed: 2), bias: nil) }
        }
    }
}
