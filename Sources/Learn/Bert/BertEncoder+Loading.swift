import Foundation
import Tensor

extension BertEncoder {
    /// Loads Hugging Face BERT weights (`model.safetensors`, names with or without a `bert.`
    /// prefix). PyTorch stores a linear layer's weight `[out, in]`; each is transposed to
    /// `[in, out]`, and each block's query, key and value are joined into one `[C, 3C]` layer.
    public convenience init(safetensors path: String, config: BertConfig) throws {
        let tensors = try Safetensors.read(from: URL(fileURLWithPath: path)).tensors
        let name = (path as NSString).lastPathComponent
        let prefix = tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func entry(_ key: String, _ shape: [Int]) throws -> [Float] {
            guard let e = tensors[prefix + key] else { throw LearnError.checkpoint("\(name) has no tensor \(prefix + key)") }
            guard e.shape == shape else {
                throw LearnError.checkpoint("\(name): \(prefix + key) has shape \(e.shape), expected \(shape)")
            }
            return e.values
        }
        func tensor(_ key: String, _ shape: [Int]) throws -> Tensor {
            try Tensor(entry(key, shape), shape: shape, requiresGrad: true)
        }
        let c = config.width, inner = config.intermediate, eps = config.layerNormEps
        func norm(_ key: String) throws -> LayerNorm {
            LayerNorm(weight: try tensor(key + ".weight", [c]), bias: try tensor(key + ".bias", [c]), eps: eps)
        }
        /// `[out, in]` rows of one or more PyTorch linear layers side by side, as `[in, sum of out]`.
        func linear(_ keys: [String], inputs: Int, outputs: Int) throws -> Linear {
            let total = outputs * keys.count
            var w = [Float](repeating: 0, count: inputs * total)
            var bias: [Float] = []
            for (part, key) in keys.enumerated() {
                let rows = try entry(key + ".weight", [outputs, inputs])
                rows.withUnsafeBufferPointer { src in
                    w.withUnsafeMutableBufferPointer { dst in
                        for o in 0..<outputs {
                            for i in 0..<inputs { dst[i * total + part * outputs + o] = src[o * inputs + i] }
                        }
                    }
                }
                bias += try entry(key + ".bias", [outputs])
            }
            return Linear(
                weight: try Tensor(w, shape: [inputs, total], requiresGrad: true),
                bias: try Tensor(bias, shape: [total], requiresGrad: true))
        }
        let layers = try (0..<config.layers).map { i -> BertLayer in
            let p = "encoder.layer.\(i)."
            return BertLayer(
                qkv: try linear(
                    [p + "attention.self.query", p + "attention.self.key", p + "attention.self.value"], inputs: c,
                    outputs: c),
                attentionOutput: try linear([p + "attention.output.dense"], inputs: c, outputs: c),
                attentionNorm: try norm(p + "attention.output.LayerNorm"),
                intermediate: try linear([p + "intermediate.dense"], inputs: c, outputs: inner),
                output: try linear([p + "output.dense"], inputs: inner, outputs: c),
                outputNorm: try norm(p + "output.LayerNorm"), heads: config.heads)
        }
        try self.init(
            config: config,
            wordEmbedding: Embedding(weight: try tensor("embeddings.word_embeddings.weight", [config.vocabSize, c])),
            positionEmbedding: Embedding(
                weight: try tensor("embeddings.position_embeddings.weight", [config.maxPositions, c])),
            tokenTypeEmbedding: Embedding(
                weight: try tensor("embeddings.token_type_embeddings.weight", [config.typeVocabSize, c])),
            embeddingNorm: try norm("embeddings.LayerNorm"), layers: layers)
    }
}
