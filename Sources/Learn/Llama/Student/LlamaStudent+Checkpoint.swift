import Crypto
import Foundation
import Tensor

/// Saving and loading a `LlamaStudent` as safetensors.
///
/// A full fine-tune is saved under Hugging Face Llama names (`model.layers.0.self_attn.q_proj.weight`,
/// ...); a LoRA student saves only its adapters, under PEFT's names
/// (`base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`). Q and K rows (and the
/// rows of their `lora_B`) are written in Hugging Face's order, undoing llama.cpp's permutation.
/// The `__metadata__` says what to rebuild it from: `fewshot.kind` (`llama` or `llama-lora`),
/// `fewshot.config` (the `LlamaConfig` as JSON), `fewshot.base_model` (the base GGUF's file
/// name, which also supplies the tokenizer and chat template), `fewshot.base_sha256`,
/// `fewshot.context`, and `fewshot.lora_rank` / `fewshot.lora_alpha`.
extension LlamaStudent {
    /// The prefix PEFT puts before a LoRA model's parameter names.
    static let peftPrefix = "base_model.model."

    /// The SHA-256 of the base GGUF file's bytes, in hex.
    public var baseSHA256: String { Self.sha256(of: base.file) }

    /// The SHA-256 of a GGUF file's bytes, in hex.
    static func sha256(of file: GGUFFile) -> String {
        var hasher = SHA256()
        hasher.update(bufferPointer: file.storage.bytes)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Writes the student (all weights, or the adapters) and what rebuilding it needs.
    public func save(to url: URL) throws {
        var metadata = [
            "format": "pt", "fewshot.kind": lora == nil ? "llama" : "llama-lora",
            "fewshot.config": String(decoding: try JSONEncoder().encode(config), as: UTF8.self),
            "fewshot.base_model": baseName, "fewshot.base_sha256": baseSHA256, "fewshot.tokenizer": "gguf:" + baseName,
            "fewshot.context": String(contextLength),
        ]
        if let lora {
            metadata["fewshot.lora_rank"] = String(lora.rank)
            metadata["fewshot.lora_alpha"] = String(lora.alpha)
        }
        let prefix = lora == nil ? "" : Self.peftPrefix
        let entries = namedParameters.map { p in
            (prefix + p.name, Safetensors.Entry(shape: p.tensor.shape, values: reorderedRows(p, toHuggingFace: true)))
        }
        try Safetensors.write(entries, metadata: metadata, to: url)
    }

    /// Rebuilds a student saved by `save(to:)`, reading its base model from `modelDirectory`.
    ///
    /// - Throws: `LearnError.checkpoint` naming the missing base model, a base whose SHA-256
    ///   differs from the one saved, or tensors of the wrong name or shape.
    static func load(
        file: String, tensors: [String: Safetensors.Entry], metadata: [String: String], modelDirectory: String
    ) throws -> LlamaStudent {
        guard let baseName = metadata["fewshot.base_model"], !baseName.contains("/"),
            let configJSON = metadata["fewshot.config"],
            let config = try? JSONDecoder().decode(LlamaConfig.self, from: Data(configJSON.utf8))
        else { throw LearnError.checkpoint("\(file): no base model or config in its metadata") }
        let path = (modelDirectory as NSString).appendingPathComponent(baseName)
        guard !baseName.isEmpty, baseName != ".", baseName != "..", FileManager.default.fileExists(atPath: path) else {
            throw LearnError.checkpoint(
                "\(file) was fine-tuned from \(baseName), which supplies its tokenizer and base weights, but \(path) is missing: install that model first (SmolLM2-135M: bash scripts/setup)"
            )
        }
        let base = try LlamaModel(path: path)
        guard base.config == config else {
            throw LearnError.checkpoint(
                "\(file): the installed \(baseName) has a different shape from the model it was fine-tuned from")
        }
        if let expected = metadata["fewshot.base_sha256"], expected != sha256(of: base.file) {
            throw LearnError.checkpoint(
                "\(file) was fine-tuned from a different \(baseName) (SHA-256 \(expected.prefix(12))...): install the same file")
        }
        let context = Int(metadata["fewshot.context"] ?? "")
        if let context, !(1...config.contextLength).contains(context) {
            throw LearnError.checkpoint(
                "\(file): fewshot.context is \(context); \(baseName) takes 1 to \(config.contextLength) tokens")
        }
        var lora: LoRAOptions?
        if metadata["fewshot.kind"] == "llama-lora" {
            guard let rank = Int(metadata["fewshot.lora_rank"] ?? ""), let alpha = Float(metadata["fewshot.lora_alpha"] ?? "")
            else {
                throw LearnError.checkpoint("\(file): LoRA adapters without fewshot.lora_rank / fewshot.lora_alpha metadata")
            }
            // A rank above the model's width is no low-rank adapter, and would allocate without bound.
            guard (1...config.embeddingLength).contains(rank), alpha.isFinite else {
                throw LearnError.checkpoint(
                    "\(file): fewshot.lora_rank \(rank) / fewshot.lora_alpha \(alpha): the rank must be 1 to \(config.embeddingLength) and alpha a finite number"
                )
            }
            lora = LoRAOptions(rank: rank, alpha: alpha)
        }
        let student: LlamaStudent
        if lora == nil {
            var weights: [String: Tensor] = [:]
            for (name, entry) in tensors {
                weights[name] = try Tensor(entry.values, shape: entry.shape)
            }
            student = try LlamaStudent(base: base, baseName: baseName, weights: weights, lora: nil, context: context, seed: 0)
            // Bring Q and K back to GGUF's row order.
            for p in student.namedParameters { p.tensor.data = student.reorderedRows(p, toHuggingFace: false) }
        } else {
            student = try LlamaStudent(base: base, baseName: baseName, lora: lora, context: context, seed: 0)
            for p in student.namedParameters {
                guard let entry = tensors[peftPrefix + p.name] else {
                    throw LearnError.checkpoint("\(file) has no tensor '\(peftPrefix + p.name)'")
                }
                guard entry.shape == p.tensor.shape else {
                    throw LearnError.checkpoint(
                        "\(file): tensor '\(peftPrefix + p.name)' has shape \(entry.shape), the model needs \(p.tensor.shape)")
                }
                p.tensor.data = entry.values
                p.tensor.data = student.reorderedRows(p, toHuggingFace: false)  // Q/K rows back to GGUF order
            }
        }
        return student
    }

    /// The values of `p` with Q/K rows moved between GGUF's order (adjacent RoPE pairs) and
    /// Hugging Face's (rotate-half): in each head, GGUF row `2i + a` is Hugging Face row
    /// `a * hs/2 + i`. Other parameters come back unchanged.
    func reorderedRows(_ p: NamedParameter, toHuggingFace: Bool) -> [Float] {
        let heads: Int
        if p.name.hasSuffix("q_proj.weight") || p.name.hasSuffix("q_proj.lora_B.weight") {
            heads = config.headCount
        } else if p.name.hasSuffix("k_proj.weight") || p.name.hasSuffix("k_proj.lora_B.weight") {
            heads = config.kvHeadCount
        } else {
            return p.tensor.data
        }
        let rows = p.tensor.shape[0], columns = p.tensor.shape[1], hs = rows / heads, half = hs / 2
        let src = p.tensor.data
        var out = src
        for h in 0..<heads {
            for i in 0..<half {
                for a in 0..<2 {
                    let gguf = h * hs + 2 * i + a, hf = h * hs + a * half + i
                    let (from, to) = toHuggingFace ? (gguf, hf) : (hf, gguf)
                    for j in 0..<columns { out[to * columns + j] = src[from * columns + j] }
                }
            }
        }
        return out
    }
}
