import Tensor

/// The feed-forward half of a block: `c_proj(gelu(c_fc(x)))`, 4x wide inside.
public final class MLP: ParameterHolder {
    public let fc: Linear
    public let proj: Linear

    public init(width: Int, projStd: Float, rng: inout SeededRandom) {
        fc = Linear(width, 4 * width, rng: &rng)
        proj = Linear(4 * width, width, std: projStd, rng: &rng)
    }

    /// `(B, T, C) -> (B, T, C)`
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let h = try fc(x).gelu()  // (B, T, 4C)
        return try proj(h)  // (B, T, C)
    }

    public func parameters(prefix: String) -> [NamedParameter] {
        fc.parameters(prefix: join(prefix, "c_fc")) + proj.parameters(prefix: join(prefix, "c_proj"))
    }
}

/// Multi-head causal self-attention: one `c_attn` projection to Q, K, V, fused attention, `c_proj`.
public final class CausalSelfAttention: ParameterHolder {
    public let attn: Linear
    public let proj: Linear
    public let heads: Int

    public init(width: Int, heads: Int, projStd: Float, rng: inout SeededRandom) {
        attn = Linear(width, 3 * width, rng: &rng)
        proj = Linear(width, width, std: projStd, rng: &rng)
        self.heads = heads
    }

    /// `(B, T, C) -> (B, T, C)`
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let qkv = try attn(x)  // (B, T, 3C)
        let y = try qkv.causalSelfAttention(heads: heads)  // (B, T, C)
        return try proj(y)  // (B, T, C)
    }

    public func parameters(prefix: String) -> [NamedParameter] {
        attn.parameters(prefix: join(prefix, "c_attn")) + proj.parameters(prefix: join(prefix, "c_proj"))
    }
}

/// A pre-norm transformer block: `x + attn(ln_1(x))`, then `x + mlp(ln_2(x))`.
public final class Block: ParameterHolder {
    public let ln1: LayerNorm
    public let attn: CausalSelfAttention
    public let ln2: LayerNorm
    public let mlp: MLP

    public init(width: Int, heads: Int, layers: Int, rng: inout SeededRandom) {
        let projStd = 0.02 / (2 * Float(layers)).squareRoot()
        ln1 = LayerNorm(width)
        attn = CausalSelfAttention(width: width, heads: heads, projStd: projStd, rng: &rng)
        ln2 = LayerNorm(width)
        mlp = MLP(width: width, projStd: projStd, rng: &rng)
    }

    /// `(B, T, C) -> (B, T, C)`
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let a = try x + attn(ln1(x))  // (B, T, C)
        return try a + mlp(ln2(a))  // (B, T, C)
    }

    public func parameters(prefix: String) -> [NamedParameter] {
        ln1.parameters(prefix: join(prefix, "ln_1")) + attn.parameters(prefix: join(prefix, "attn"))
            + ln2.parameters(prefix: join(prefix, "ln_2")) + mlp.parameters(prefix: join(prefix, "mlp"))
    }
}
