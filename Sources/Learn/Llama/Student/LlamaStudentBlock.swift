import Tensor

/// One trainable Llama block: `x + o(attn(rope(q(n1(x))), rope(k(n1(x))), v(n1(x))))`, then
/// `x + down(silu(gate(n2(x))) * up(n2(x)))`, with RMSNorms `n1`, `n2`.
///
/// Glossary: B batch, T time, C width, nh query heads, nkv key/value heads, hs head size,
/// F feed-forward width. Parameter names are Hugging Face's (`self_attn.q_proj`, ...).
final class LlamaStudentBlock: ParameterHolder {
    let config: LlamaConfig
    let inputNorm: RMSNorm
    let query: LlamaProjection, key: LlamaProjection, value: LlamaProjection, output: LlamaProjection
    let postAttentionNorm: RMSNorm
    let gate: LlamaProjection, up: LlamaProjection, down: LlamaProjection
    /// Norm weights train in a full fine-tune and stay frozen under LoRA.
    let trainsNorms: Bool
    /// `[g, 1]` ones: broadcasting a key/value head against it repeats it for its `g` query heads.
    private let groupOnes: Tensor

    init(config: LlamaConfig, weights: [String: Tensor], lora: LoRAOptions?, rng: inout SeededRandom) {
        self.config = config
        func norm(_ name: String) -> RMSNorm {
            let n = RMSNorm(config.embeddingLength, eps: config.rmsEpsilon)
            n.weight.data = weights[name]!.data
            n.weight.requiresGrad = lora == nil
            return n
        }
        func projection(_ name: String) -> LlamaProjection { LlamaProjection(weight: weights[name]!, lora: lora, rng: &rng) }
        inputNorm = norm("input_layernorm")
        query = projection("self_attn.q_proj")
        key = projection("self_attn.k_proj")
        value = projection("self_attn.v_proj")
        output = projection("self_attn.o_proj")
        postAttentionNorm = norm("post_attention_layernorm")
        gate = projection("mlp.gate_proj")
        up = projection("mlp.up_proj")
        down = projection("mlp.down_proj")
        trainsNorms = lora == nil
        groupOnes = Tensor.full([config.headCount / config.kvHeadCount, 1], 1)
    }

    /// The projections under their Hugging Face names.
    var projections: [(name: String, projection: LlamaProjection)] {
        [
            ("self_attn.q_proj", query), ("self_attn.k_proj", key), ("self_attn.v_proj", value),
            ("self_attn.o_proj", output), ("mlp.gate_proj", gate), ("mlp.up_proj", up), ("mlp.down_proj", down),
        ]
    }

    /// `(B, T, C) -> (B, T, C)`
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let c = config
        let h = try inputNorm(x)  // (B, T, C)
        // (B, T, nh*hs)
        let q = try query(h).rotaryEmbedding(heads: c.headCount, dimensions: c.ropeDimensions, theta: c.ropeTheta)
        // (B, T, nkv*hs)
        let k = try key(h).rotaryEmbedding(heads: c.kvHeadCount, dimensions: c.ropeDimensions, theta: c.ropeTheta)
        let v = try value(h)  // (B, T, nkv*hs)
        let qkv = try Tensor.concat([q, repeatHeads(k), repeatHeads(v)], axis: 2)  // (B, T, 3*nh*hs)
        let attended = try qkv.causalSelfAttention(heads: c.headCount)  // (B, T, nh*hs)
        let a = try x + output(attended)  // (B, T, C)
        let m = try postAttentionNorm(a)  // (B, T, C)
        let swiglu = try gate(m).silu() * up(m)  // (B, T, F)
        return try a + down(swiglu)  // (B, T, C)
    }

    /// Grouped-query attention: key/value head `j` serves query heads `j*g ..< (j+1)*g`, as in
    /// the inference path (`kvHead = head / g`). The backward sums each group's gradients.
    private func repeatHeads(_ x: Tensor) throws -> Tensor {
        let g = groupOnes.shape[0]
        guard g > 1 else { return x }
        let (b, t, hs) = (x.shape[0], x.shape[1], config.headDimension)
        let heads = try x.reshaped([b, t, config.kvHeadCount, 1, hs])  // (B, T, nkv, 1, hs)
        return try (heads * groupOnes).reshaped([b, t, config.headCount * hs])  // (B, T, nh*hs)
    }

    func parameters(prefix: String) -> [NamedParameter] {
        var all: [NamedParameter] = []
        if trainsNorms { all += inputNorm.parameters(prefix: join(prefix, "input_layernorm")) }
        for (name, projection) in projections where name.hasPrefix("self_attn") {
            all += projection.parameters(prefix: join(prefix, name))
        }
        if trainsNorms { all += postAttentionNorm.parameters(prefix: join(prefix, "post_attention_layernorm")) }
        for (name, projection) in projections where name.hasPrefix("mlp") {
            all += projection.parameters(prefix: join(prefix, name))
        }
        return all
    }
}
