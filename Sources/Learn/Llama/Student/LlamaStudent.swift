import Foundation
import Tensor

/// A pretrained Llama-family model (SmolLM2-135M, or any GGUF the in-process Llama reads) as a
/// trainable student: f32 weights dequantised from the GGUF, run through the autograd runtime.
///
/// A full fine-tune trains every weight; with `lora` only small adapters on the attention and
/// MLP projections train, so gradients and AdamW state stay a fraction of the model. The
/// tokenizer and chat template are the base model's; `inferenceModel()` hands the trained
/// weights to the in-process Llama for streamed generation.
///
/// ```swift
/// let base = try LlamaModel(path: LlamaModel.defaultModelPath)
/// let student = try LlamaStudent(base: base, baseName: "SmolLM2-135M-Instruct.Q4_1.gguf", lora: LoRAOptions())
/// let history = try Trainer(options: TrainingOptions(epochs: 1, learningRate: 2e-4)).train(student, on: sequences)
/// try student.save(to: URL(fileURLWithPath: "student.safetensors"))
/// ```
///
/// Glossary: B batch, T time, C width, V vocabulary. Weights keep GGUF's row order, in which
/// Q and K rows are permuted for ggml's adjacent-pair RoPE (see `rotaryEmbedding`); saved files
/// use Hugging Face's order.
public final class LlamaStudent: CausalLanguageModel {
    /// The model's shape.
    public let config: LlamaConfig
    /// The adapters' settings, or nil for a full fine-tune.
    public let lora: LoRAOptions?
    /// The GGUF model it was made from: tokenizer, chat template, and the identity saved files name.
    public let base: LlamaModel
    /// The base model's file name (`SmolLM2-135M-Instruct.Q4_1.gguf`), which saved students name.
    public let baseName: String
    /// The longest training window (at most the model's own context).
    public let contextLength: Int

    /// `model.embed_tokens.weight`: `[V, C]`, also the output head when tied.
    let embedding: Tensor
    /// `model.layers.N`
    let blocks: [LlamaStudentBlock]
    /// `model.norm`
    let finalNorm: RMSNorm
    /// `lm_head.weight` `[V, C]` when the model does not tie it to the embedding.
    let outputHead: Tensor?

    /// A student with the base model's weights; `lora` adds adapters (the seed draws their `A`).
    /// `context` caps the training window (default: 256 tokens, at most the model's context).
    public convenience init(base: LlamaModel, baseName: String, lora: LoRAOptions? = nil, context: Int? = nil, seed: UInt64 = 0)
        throws
    {
        try self.init(
            base: base, baseName: baseName, weights: Self.denseWeights(of: base), lora: lora, context: context, seed: seed)
    }

    /// A student with `weights` under Hugging Face names (GGUF row order), e.g. from a checkpoint.
    init(
        base: LlamaModel, baseName: String, weights: [String: Tensor], lora: LoRAOptions?, context: Int?, seed: UInt64
    ) throws {
        let c = base.config
        if let lora, lora.rank < 1 || !(lora.alpha > 0) {
            throw LearnError.invalidConfig(
                "LoRA needs a rank of 1 or more and a positive alpha (got rank \(lora.rank), alpha \(lora.alpha))")
        }
        let window = context ?? min(256, c.contextLength)
        guard window >= 1, window <= c.contextLength else {
            throw LearnError.invalidConfig("context must be between 1 and the model's \(c.contextLength) tokens, got \(window)")
        }
        guard c.headCount * c.headDimension == c.embeddingLength else {
            throw LearnError.invalidConfig(
                "query width \(c.headCount * c.headDimension) differs from the model width \(c.embeddingLength)")
        }
        for (name, shape) in Self.weightShapes(c, tied: weights["lm_head.weight"] == nil) {
            guard let w = weights[name] else { throw LearnError.checkpoint("no tensor '\(name)'") }
            guard w.shape == shape else {
                throw LearnError.checkpoint("tensor '\(name)' has shape \(w.shape), the model needs \(shape)")
            }
        }
        config = c
        self.lora = lora
        self.base = base
        self.baseName = baseName
        contextLength = window
        var rng = SeededRandom(seed: seed)
        embedding = weights["model.embed_tokens.weight"]!
        embedding.requiresGrad = lora == nil
        blocks = (0..<c.layerCount).map { i in
            let prefix = "model.layers.\(i)."
            var layer: [String: Tensor] = [:]
            for (name, w) in weights where name.hasPrefix(prefix) {
                layer[String(name.dropFirst(prefix.count)).replacingOccurrences(of: ".weight", with: "")] = w
            }
            return LlamaStudentBlock(config: c, weights: layer, lora: lora, rng: &rng)
        }
        finalNorm = RMSNorm(c.embeddingLength, eps: c.rmsEpsilon)
        finalNorm.weight.data = weights["model.norm.weight"]!.data
        finalNorm.weight.requiresGrad = lora == nil
        outputHead = weights["lm_head.weight"]
        outputHead?.requiresGrad = lora == nil
    }

    /// Every weight's name and shape (Hugging Face names), the untied head included when asked.
    static func weightShapes(_ c: LlamaConfig, tied: Bool) -> [(String, [Int])] {
        let C = c.embeddingLength, F = c.feedForwardLength, kv = c.kvDimension
        var shapes: [(String, [Int])] = [("model.embed_tokens.weight", [c.vocabularySize, C])]
        for i in 0..<c.layerCount {
            let p = "model.layers.\(i)."
            shapes += [
                (p + "input_layernorm.weight", [C]), (p + "self_attn.q_proj.weight", [C, C]),
                (p + "self_attn.k_proj.weight", [kv, C]), (p + "self_attn.v_proj.weight", [kv, C]),
                (p + "self_attn.o_proj.weight", [C, C]), (p + "post_attention_layernorm.weight", [C]),
                (p + "mlp.gate_proj.weight", [F, C]), (p + "mlp.up_proj.weight", [F, C]), (p + "mlp.down_proj.weight", [C, F]),
            ]
        }
        shapes.append(("model.norm.weight", [C]))
        if !tied { shapes.append(("lm_head.weight", [c.vocabularySize, C])) }
        return shapes
    }

    /// The base model's weights dequantised to f32, under Hugging Face names (GGUF row order).
    static func denseWeights(of model: LlamaModel) -> [String: Tensor] {
        func dense(_ m: QuantizedMatrix) -> Tensor {
            var values = [Float](repeating: 0, count: m.rows * m.columns)
            values.withUnsafeMutableBufferPointer { m.dequantizeRows(0..<m.rows, into: $0.baseAddress!) }
            return try! Tensor(values, shape: [m.rows, m.columns])
        }
        func vector(_ v: [Float]) -> Tensor { try! Tensor(v, shape: [v.count]) }
        let w = model.weights
        var out = ["model.embed_tokens.weight": dense(w.embedding), "model.norm.weight": vector(w.outputNorm)]
        if !w.tiedOutput { out["lm_head.weight"] = dense(w.output) }
        for (i, b) in w.blocks.enumerated() {
            let p = "model.layers.\(i)."
            out[p + "input_layernorm.weight"] = vector(b.attentionNorm)
            out[p + "self_attn.q_proj.weight"] = dense(b.query)
            out[p + "self_attn.k_proj.weight"] = dense(b.key)
            out[p + "self_attn.v_proj.weight"] = dense(b.value)
            out[p + "self_attn.o_proj.weight"] = dense(b.output)
            out[p + "post_attention_layernorm.weight"] = vector(b.mlpNorm)
            out[p + "mlp.gate_proj.weight"] = dense(b.gate)
            out[p + "mlp.up_proj.weight"] = dense(b.up)
            out[p + "mlp.down_proj.weight"] = dense(b.down)
        }
        return out
    }

    /// What trains: every weight in a full fine-tune, the adapters under LoRA.
    public func parameters(prefix: String) -> [NamedParameter] {
        let model = join(prefix, "model")
        var all: [NamedParameter] = []
        if lora == nil { all.append(NamedParameter(name: join(model, "embed_tokens.weight"), tensor: embedding)) }
        for (i, block) in blocks.enumerated() { all += block.parameters(prefix: join(model, "layers.\(i)")) }
        if lora == nil {
            all += finalNorm.parameters(prefix: join(model, "norm"))
            if let outputHead { all.append(NamedParameter(name: join(prefix, "lm_head.weight"), tensor: outputHead)) }
        }
        return all
    }

    /// Weights of the base model plus adapters (what the model computes with).
    public var totalParameterCount: Int {
        let adapters = lora == nil ? 0 : parameterCount
        return Self.weightShapes(config, tied: outputHead == nil).reduce(adapters) { $0 + $1.1.reduce(1, *) }
    }

    /// Next-token logits for `batch` rows of `time` tokens (row-major). Result `(B, T, V)`.
    public func logits(_ tokens: [Int], batch: Int, time: Int) throws -> Tensor {
        let h = try hidden(tokens, batch: batch, time: time)  // (B, T, C)
        return try h.matmul(outputHead ?? embedding, transposeB: true)  // (B, T, V)
    }

    /// Final hidden states after `model.norm`. Result `(B, T, C)`.
    func hidden(_ tokens: [Int], batch: Int, time: Int) throws -> Tensor {
        guard batch > 0, time > 0, tokens.count == batch * time else {
            throw LearnError.invalidInput("\(tokens.count) tokens do not form \(batch) rows of \(time)")
        }
        guard time <= config.contextLength else {
            throw LearnError.invalidInput("sequence of \(time) tokens is longer than the context of \(config.contextLength)")
        }
        if let bad = tokens.first(where: { $0 < 0 || $0 >= config.vocabularySize }) {
            throw LearnError.invalidInput("token id \(bad) is outside the vocabulary of \(config.vocabularySize)")
        }
        var x = try Tensor.embedding(embedding, indices: tokens, shape: [batch, time])  // (B, T, C)
        for block in blocks { x = try block(x) }  // (B, T, C)
        return try finalNorm(x)  // (B, T, C)
    }

    /// The loss over the trained positions only: with a 49K vocabulary the output head and its
    /// softmax cost as much as several blocks, so positions without loss (prompts, padding)
    /// skip them. Equal to the cross-entropy of the full `(B, T, V)` logits.
    public func loss(inputs: [Int], targets: [Int], weights: [Float]? = nil, batch: Int, time: Int) throws -> Tensor {
        guard targets.count == batch * time, weights == nil || weights!.count == targets.count else {
            throw LearnError.invalidInput("\(targets.count) targets for \(batch) rows of \(time) tokens")
        }
        let kept = targets.indices.filter { targets[$0] != -100 && (weights?[$0] ?? 1) != 0 }
        let h = try hidden(inputs, batch: batch, time: time).reshaped([batch * time, config.embeddingLength])  // (B*T, C)
        let rows = try Tensor.embedding(h, indices: kept, shape: [kept.count])  // (n, C)
        let logits = try rows.matmul(outputHead ?? embedding, transposeB: true)  // (n, V)
        // scalar
        return try logits.crossEntropy(targets: kept.map { targets[$0] }, weights: weights.map { w in kept.map { w[$0] } })
    }
}
