import Foundation
import Tensor
import Testing

@testable import Learn

/// The encoder trains: gradients reach every weight and match finite differences.
struct BertEncoderTests {
    static let tiny = BertConfig(vocabSize: 40, width: 8, layers: 2, heads: 2, intermediate: 16, maxPositions: 12)

    @Test func gradientsReachEveryWeightAndMatchFiniteDifferences() throws {
        let encoder = try BertEncoder(config: Self.tiny, seed: 3)
        // Wider weights than BERT's init, so the blocks are far from linear.
        for p in encoder.namedParameters where p.name.hasSuffix("weight") && !p.name.contains("LayerNorm") {
            p.tensor.data = p.tensor.data.map { $0 * 20 }
        }
        let batch = [[1, 5, 7, 2], [1, 9, 2], [1, 3, 4, 6, 8, 2]]
        let probe = Tensor.randn([3, 8], seed: 5)
        func loss() throws -> Tensor { try (encoder.pooled(batch) * probe).sum() }
        try loss().backward()
        for p in encoder.namedParameters {
            let g = try #require(p.tensor.grad, "\(p.name) got no gradient")
            let used = p.name.contains("word_embeddings") || p.name.contains("position_embeddings")
            if !used { #expect(g.contains { $0 != 0 }, "\(p.name) has an all-zero gradient") }
        }
        // Finite differences on a few values of every kind of weight.
        let checked = [
            "encoder.layer.0.attention.qkv.weight", "encoder.layer.1.intermediate.dense.weight",
            "encoder.layer.1.output.LayerNorm.weight", "embeddings.position_embeddings.weight",
        ]
        for name in checked {
            let t = try #require(encoder.parameter(named: name))
            let analytic = t.grad!
            for i in stride(from: 0, to: min(t.count, 64), by: 7) {
                let saved = t.data[i]
                t.data[i] = saved + 1e-2
                let up = try noGrad { try loss().item }
                t.data[i] = saved - 1e-2
                let down = try noGrad { try loss().item }
                t.data[i] = saved
                let numeric = (up - down) / 2e-2
                #expect(abs(numeric - analytic[i]) <= 3e-2 * max(1, abs(numeric)), "\(name)[\(i)]: \(analytic[i]) vs \(numeric)")
            }
        }
    }

    @Test func badBatchesAreRefused() throws {
        let encoder = try BertEncoder(config: Self.tiny, seed: 0)
        #expect(throws: LearnError.self) { try encoder.pooled([]) }
        #expect(throws: LearnError.self) { try encoder.pooled([[1, 2], []]) }
        #expect(throws: LearnError.self) { try encoder.pooled([[1, 40]]) }
        #expect(throws: LearnError.self) { try encoder.pooled([Array(repeating: 1, count: 13)]) }
    }
}
