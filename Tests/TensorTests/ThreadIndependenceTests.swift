import Testing

@testable import Tensor

/// Every op split across worker threads gives the same bits for any thread count: reductions
/// are split by fixed blocks of the data, never by worker.
@Suite(.serialized) struct ThreadIndependenceTests {
    /// Outputs and gradients of the ops that run through `Parallel`, at one thread count.
    func run() throws -> [[Float]] {
        var out: [[Float]] = []
        // (B, T, C) large enough to be split: 32 * 97 rows of 96.
        let x = randomTensor([32, 97, 96], seed: 1), w = randomTensor([96], seed: 2), b = randomTensor([96], seed: 3)
        let pos = randomTensor([97, 96], seed: 4)
        for t in [x, w, b, pos] { t.requiresGrad = true }
        let h = try (x + pos).layerNorm(weight: w, bias: b).gelu()  // (32, 97, 96)
        let u = try h.tanh().mul(h.sigmoid()).add(h.silu()).add(h.exp().scaled(1e-3))
        let loss = try u.reshaped([32 * 97, 96]).crossEntropy(targets: (0..<(32 * 97)).map { $0 % 96 })
        try loss.backward()
        out += [h.data, u.data, [loss.item], x.grad!, w.grad!, b.grad!, pos.grad!]
        // Embedding backward: many repeated indices scatter-added into a table.
        let table = randomTensor([50, 300], seed: 5)
        table.requiresGrad = true
        let e = try Tensor.embedding(table, indices: (0..<4096).map { ($0 * 7) % 50 }, shape: [4096])
        try e.softmax().sum().backward()
        out += [e.data, table.grad!]
        // AdamW over a run split into chunks.
        var weights = randomTensor([100_003], seed: 6).data, m = [Float](repeating: 0, count: 100_003), v = m
        let g = randomTensor([100_003], seed: 7).data
        let step = AdamWKernel.Step(beta1: 0.9, beta2: 0.95, stepSize: 1e-3, bias2Sqrt: 0.2, eps: 1e-8, shrink: 0.999)
        weights.withUnsafeMutableBufferPointer { pw in
            m.withUnsafeMutableBufferPointer { pm in
                v.withUnsafeMutableBufferPointer { pv in
                    g.withUnsafeBufferPointer { pg in
                        let (w0, m0, v0, g0) = (pw.baseAddress!, pm.baseAddress!, pv.baseAddress!, pg.baseAddress!)
                        Parallel.forRange(pw.count, grain: 4096) { s, e in
                            AdamWKernel.update(weights: w0 + s, m: m0 + s, v: v0 + s, gradients: g0 + s, count: e - s, step)
                        }
                    }
                }
            }
        }
        out += [weights, m, v]
        return out
    }

    @Test func opsGiveTheSameBitsForAnyThreadCount() throws {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 1
        let reference = try run()
        for threads in [2, 3, 4, 8] {
            Parallel.threadCount = threads
            let got = try run()
            for (i, (a, b)) in zip(got, reference).enumerated() {
                #expect(a.count == b.count)
                if let j = a.indices.first(where: { a[$0].bitPattern != b[$0].bitPattern }) {
                    Issue.record("result \(i)[\(j)] differs with \(threads) threads: \(a[j]) vs \(b[j])")
                }
            }
        }
    }
}
