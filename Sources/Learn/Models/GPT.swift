import Tensor

/// A nanoGPT-shaped decoder: learned token and position embeddings, pre-norm blocks,
/// final LayerNorm, and an output head tied to the token embedding.
///
/// Glossary: B batch, T time, C width, V vocabulary.
///
/// ```swift
/// let model = try GPT(config: .gptTiny, seed: 0)
/// let loss = try model.loss(inputs: x, targets: y, weights: mask, batch: 4, time: 32)
/// try loss.backward()
/// ```
public final class GPT: CausalLanguageModel {
    /// The model's shape.
    public let config: GPTConfig
    /// `wte`: `[V, C]`, also the output head (tied).
    public let tokenEmbedding: Embedding
    /// `wpe`: `[context, C]`
    public let positionEmbedding: Embedding
    /// `h.0`, `h.1`, ...
    public let blocks: [Block]
    /// `ln_f`
    public let finalNorm: LayerNorm

    /// A freshly initialised model (GPT-2's init: N(0, 0.02), residual projections scaled
    /// by 1/sqrt(2 layers)); the same seed gives the same weights.
    public init(config: GPTConfig, seed: UInt64 = 0) throws {
        try config.validate()
        self.config = config
        var rng = SeededRandom(seed: seed)
        tokenEmbedding = Embedding(config.vocabSize, config.width, rng: &rng)
        positionEmbedding = Embedding(config.context, config.width, rng: &rng)
        blocks = (0..<config.layers).map { _ in
            Block(width: config.width, heads: config.heads, layers: config.layers, rng: &rng)
        }
        finalNorm = LayerNorm(config.width)
    }

    /// The context length of its position table.
    public var contextLength: Int { config.context }

    public func parameters(prefix: String) -> [NamedParameter] {
        var all =
            tokenEmbedding.parameters(prefix: join(prefix, "wte"))
            + positionEmbedding.parameters(prefix: join(prefix, "wpe"))
        for (i, block) in blocks.enumerated() { all += block.parameters(prefix: join(prefix, "h.\(i)")) }
        return all + finalNorm.parameters(prefix: join(prefix, "ln_f"))
    }

    /// Final hidden states after `ln_f` for `batch` rows of `time` tokens (row-major `tokens`).
    /// Result `(B, T, C)`.
    public func hidden(_ tokens: [Int], batch: Int, time: Int) throws -> Tensor {
        guard batch > 0, time > 0, tokens.count == batch * time else {
            throw LearnError.invalidInput("\(tokens.count) tokens do not form \(batch) rows of \(time)")
        }
        guard time <= config.context else {
            throw LearnError.invalidInput("sequence of \(time) tokens is longer than the context of \(config.context)")
        }
        if let bad = tokens.first(where: { $0 < 0 || $0 >= config.vocabSize }) {
            throw LearnError.invalidInput("token id \(bad) is outside the vocabulary of \(config.vocabSize)")
        }
        let tok = try tokenEmbedding(tokens, shape: [batch, time])  // (B, T, C)
        let pos = try positionEmbedding(Array(0..<time), shape: [time])  // (T, C)
        var x = try tok + pos  // (B, T, C)
        for block in blocks { x = try block(x) }  // (B, T, C)
        return try finalNorm(x)  // (B, T, C)
    }

    /// Next-token logits for every position. Result `(B, T, V)`.
    public func logits(_ tokens: [Int], batch: Int, time: Int) throws -> Tensor {
        let h = try hidden(tokens, batch: batch, time: time)  // (B, T, C)
        return try h.matmul(tokenEmbedding.weight, transposeB: true)  // (B, T, V)
    }

    /// Mean cross-entropy of predicting `targets` (one per input token, `-100` to skip),
    /// weighted per token by `weights` (a loss mask) when given.
    public func loss(inputs: [Int], targets: [Int], weights: [Float]? = nil, batch: Int, time: Int) throws -> Tensor {
        let logits = try self.logits(inputs, batch: batch, time: time)  // (B, T, V)
        return try logits.crossEntropy(targets: targets, weights: weights)  // scalar
    }
}
