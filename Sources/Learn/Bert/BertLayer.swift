import Tensor

/// One post-LayerNorm BERT block: `a = LN(x + O(attention(QKV x)))`, then
/// `LN(a + W2 gelu(W1 a))`, with exact (erf) GELU, over sequences packed without padding.
///
/// Glossary: N tokens of all sequences, C width, I intermediate width.
public final class BertLayer: ParameterHolder {
    /// Q, K and V side by side: `[C, 3C]` (Hugging Face's `query`, `key`, `value`, transposed).
    public let qkv: Linear
    /// `attention.output.dense`: `[C, C]`
    public let attentionOutput: Linear
    /// `attention.output.LayerNorm`
    public let attentionNorm: LayerNorm
    /// `intermediate.dense`: `[C, I]`
    public let intermediate: Linear
    /// `output.dense`: `[I, C]`
    public let output: Linear
    /// `output.LayerNorm`
    public let outputNorm: LayerNorm
    /// Attention heads.
    public let heads: Int

    /// A block from its parts.
    public init(
        qkv: Linear, attentionOutput: Linear, attentionNorm: LayerNorm, intermediate: Linear, output: Linear,
        outputNorm: LayerNorm, heads: Int
    ) {
        self.qkv = qkv
        self.attentionOutput = attentionOutput
        self.attentionNorm = attentionNorm
        self.intermediate = intermediate
        self.output = output
        self.outputNorm = outputNorm
        self.heads = heads
    }

    /// A freshly initialised block (BERT's init: N(0, 0.02) weights, zero biases, unit norms).
    public convenience init(config: BertConfig, rng: inout SeededRandom) {
        let c = config.width, eps = config.layerNormEps
        self.init(
            qkv: Linear(c, 3 * c, rng: &rng), attentionOutput: Linear(c, c, rng: &rng),
            attentionNorm: LayerNorm(c, eps: eps), intermediate: Linear(c, config.intermediate, rng: &rng),
            output: Linear(config.intermediate, c, rng: &rng), outputNorm: LayerNorm(c, eps: eps),
            heads: config.heads)
    }

    /// `(N, C) -> (N, C)` over sequences packed one after another (`lengths[b]` rows each,
    /// N their sum, no padding).
    public func callAsFunction(_ x: Tensor, lengths: [Int]) throws -> Tensor {
        let y = try qkv(x).packedSelfAttention(heads: heads, lengths: lengths)  // (N, C)
        let a = try attentionNorm(x + attentionOutput(y))  // (N, C)
        let h = try a.linearGeluErf(weight: intermediate.weight, bias: intermediate.bias)  // (N, I)
        return try outputNorm(a + output(h))  // (N, C)
    }

    public func parameters(prefix: String) -> [NamedParameter] {
        qkv.parameters(prefix: join(prefix, "attention.qkv"))
            + attentionOutput.parameters(prefix: join(prefix, "attention.output.dense"))
            + attentionNorm.parameters(prefix: join(prefix, "attention.output.LayerNorm"))
            + intermediate.parameters(prefix: join(prefix, "intermediate.dense"))
            + output.parameters(prefix: join(prefix, "output.dense"))
            + outputNorm.parameters(prefix: join(prefix, "output.LayerNorm"))
    }
}
