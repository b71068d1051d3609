import Tensor

/// A BERT-family encoder (all-MiniLM-L6-v2's architecture): word, position and token-type
/// embeddings, LayerNorm, post-LayerNorm blocks, and mean pooling over the real tokens.
///
/// It infers and trains: every step is a `Tensor` op with its backward, so `pooled` can feed
/// a loss and `backward()` reaches every weight. A batch gives each text the same bits as that
/// text alone: its texts' tokens are packed one after another, never padded, and attention
/// reads each text's own rows only (`Tensor.packedSelfAttention(heads:lengths:)`).
///
/// Glossary: B batch, N the tokens of all its texts, C width.
///
/// ```swift
/// let encoder = try BertEncoder(config: .miniLML6, seed: 0)
/// let pooled = try encoder.pooled([[101, 7592, 102], [101, 102]])  // (2, 384)
/// try pooled.sum().backward()
/// ```
public final class BertEncoder: ParameterHolder {
    /// The model's shape.
    public let config: BertConfig
    /// `embeddings.word_embeddings`: `[V, C]`
    public let wordEmbedding: Embedding
    /// `embeddings.position_embeddings`: `[maxPositions, C]`
    public let positionEmbedding: Embedding
    /// `embeddings.token_type_embeddings`: `[typeVocabSize, C]`
    public let tokenTypeEmbedding: Embedding
    /// `embeddings.LayerNorm`
    public let embeddingNorm: LayerNorm
    /// `encoder.layer.0`, `encoder.layer.1`, ...
    public let layers: [BertLayer]

    /// An encoder from its parts (loaded weights).
    public init(
        config: BertConfig, wordEmbedding: Embedding, positionEmbedding: Embedding, tokenTypeEmbedding: Embedding,
        embeddingNorm: LayerNorm, layers: [BertLayer]
    ) throws {
        try config.validate()
        self.config = config
        self.wordEmbedding = wordEmbedding
        self.positionEmbedding = positionEmbedding
        self.tokenTypeEmbedding = tokenTypeEmbedding
        self.embeddingNorm = embeddingNorm
        self.layers = layers
    }

    /// A freshly initialised encoder (N(0, 0.02) weights); the same seed gives the same weights.
    public convenience init(config: BertConfig, seed: UInt64 = 0) throws {
        try config.validate()
        var rng = SeededRandom(seed: seed)
        let c = config.width
        let word = Embedding(config.vocabSize, c, rng: &rng)
        let position = Embedding(config.maxPositions, c, rng: &rng)
        let type = Embedding(config.typeVocabSize, c, rng: &rng)
        let layers = (0..<config.layers).map { _ in BertLayer(config: config, rng: &rng) }
        try self.init(
            config: config, wordEmbedding: word, positionEmbedding: position, tokenTypeEmbedding: type,
            embeddingNorm: LayerNorm(c, eps: config.layerNormEps), layers: layers)
    }

    public func parameters(prefix: String) -> [NamedParameter] {
        var all =
            wordEmbedding.parameters(prefix: join(prefix, "embeddings.word_embeddings"))
            + positionEmbedding.parameters(prefix: join(prefix, "embeddings.position_embeddings"))
            + tokenTypeEmbedding.parameters(prefix: join(prefix, "embeddings.token_type_embeddings"))
            + embeddingNorm.parameters(prefix: join(prefix, "embeddings.LayerNorm"))
        for (i, layer) in layers.enumerated() { all += layer.parameters(prefix: join(prefix, "encoder.layer.\(i)")) }
        return all
    }

    /// The last hidden states of a batch of token sequences (each `[CLS] ... [SEP]`, all of
    /// token type 0), packed: the rows of the first sequence, then those of the second, and so
    /// on, with no padding. Result `(N, C)`, N the sum of the lengths, and the lengths.
    ///
    /// Every layer but attention works row by row, and attention reads each sequence's own rows
    /// only, so nothing is computed for padding, and a row's bits never depend on the batch.
    public func hidden(_ batch: [[Int]]) throws -> (states: Tensor, lengths: [Int]) {
        guard !batch.isEmpty, batch.allSatisfy({ !$0.isEmpty }) else {
            throw LearnError.invalidInput("an encoder batch needs at least one sequence, each of at least one token")
        }
        let lengths = batch.map(\.count)
        let t = lengths.max()!
        guard t <= config.maxPositions else {
            throw LearnError.invalidInput("a sequence of \(t) tokens is longer than the \(config.maxPositions) positions")
        }
        if let bad = batch.joined().first(where: { $0 < 0 || $0 >= config.vocabSize }) {
            throw LearnError.invalidInput("token id \(bad) is outside the vocabulary of \(config.vocabSize)")
        }
        let n = lengths.reduce(0, +)
        let words = try wordEmbedding(Array(batch.joined()), shape: [n])  // (N, C)
        let types = try tokenTypeEmbedding(Array(repeating: 0, count: n), shape: [n])  // (N, C)
        let positions = try positionEmbedding(lengths.flatMap { Array(0..<$0) }, shape: [n])  // (N, C)
        var x = try embeddingNorm(words + types + positions)  // (N, C)
        for layer in layers { x = try layer(x, lengths: lengths) }  // (N, C)
        return (x, lengths)
    }

    /// The mean of each sequence's last hidden states over its tokens (`[CLS]` and `[SEP]`
    /// included), sentence-transformers' mean pooling. Result `(B, C)`.
    public func pooled(_ batch: [[Int]]) throws -> Tensor {
        let (h, lengths) = try hidden(batch)  // (N, C)
        let b = lengths.count, n = h.shape[0]
        // Pooling as a product (B, N) x (N, C): a row's weights are 1/L on its own tokens and
        // exact zeros elsewhere, so the other rows add nothing to its sums.
        var weights = [Float](repeating: 0, count: b * n)  // (B, N)
        var start = 0
        for (i, l) in lengths.enumerated() {
            for p in 0..<l { weights[i * n + start + p] = 1 / Float(l) }
            start += l
        }
        return try Tensor(weights, shape: [b, n]).matmul(h)  // (B, C)
    }
}
