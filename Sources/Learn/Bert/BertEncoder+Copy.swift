import Tensor

extension BertEncoder {
    /// An encoder with the same shape and weights whose training leaves this one as it was
    /// (each weight copied once, no fresh initialisation).
    public func copy() throws -> BertEncoder {
        func leaf(_ t: Tensor) throws -> Tensor { try Tensor(t.data, shape: t.shape, requiresGrad: true) }
        func linear(_ l: Linear) throws -> Linear { Linear(weight: try leaf(l.weight), bias: try l.bias.map(leaf)) }
        func norm(_ n: LayerNorm) throws -> LayerNorm {
            LayerNorm(weight: try leaf(n.weight), bias: try leaf(n.bias), eps: n.eps)
        }
        let layers = try self.layers.map { l in
            BertLayer(
                qkv: try linear(l.qkv), attentionOutput: try linear(l.attentionOutput), attentionNorm: try norm(l.attentionNorm),
                intermediate: try linear(l.intermediate), output: try linear(l.output), outputNorm: try norm(l.outputNorm),
                heads: l.heads)
        }
        return try BertEncoder(
            config: config, wordEmbedding: Embedding(weight: try leaf(wordEmbedding.weight)),
            positionEmbedding: Embedding(weight: try leaf(positionEmbedding.weight)),
            tokenTypeEmbedding: Embedding(weight: try leaf(tokenTypeEmbedding.weight)),
            embeddingNorm: try norm(embeddingNorm), layers: layers)
    }
}
