/// The shape of a Llama-family model, read from GGUF metadata (`<arch>.block_count`, ...).
public struct LlamaConfig: Sendable, Equatable, Codable {
    /// The `general.architecture` value (`llama`, `mistral`, `qwen2`, ...).
    public var architecture: String
    /// Vocabulary size `V`.
    public var vocabularySize: Int
    /// Model width `C`.
    public var embeddingLength: Int
    /// Number of transformer blocks.
    public var layerCount: Int
    /// Query heads `nh`.
    public var headCount: Int
    /// Key/value heads (grouped-query attention when fewer than `headCount`).
    public var kvHeadCount: Int
    /// Hidden width of the SwiGLU MLP.
    public var feedForwardLength: Int
    /// Maximum context the model was trained for.
    public var contextLength: Int
    /// RoPE base frequency.
    public var ropeTheta: Float
    /// Dimensions of each head that RoPE rotates.
    public var ropeDimensions: Int
    /// RMSNorm epsilon.
    public var rmsEpsilon: Float

    /// Head size `hs`.
    public var headDimension: Int { embeddingLength / headCount }
    /// Width of the key and value projections.
    public var kvDimension: Int { kvHeadCount * headDimension }

    /// Architectures whose GGUF tensors follow llama's layout and rope (norm mode, adjacent pairs).
    static let supportedArchitectures: Set<String> = ["llama", "mistral", "granite"]

    /// Reads the configuration of a Llama-family GGUF file.
    public init(gguf file: GGUFFile) throws {
        let arch = try file.string("general.architecture")
        guard Self.supportedArchitectures.contains(arch) else {
            throw LlamaError.unsupportedArchitecture(arch)
        }
        architecture = arch
        func int(_ key: String) throws -> Int { try file.int("\(arch).\(key)") }
        embeddingLength = try int("embedding_length")
        layerCount = try int("block_count")
        headCount = try int("attention.head_count")
        kvHeadCount = (try? int("attention.head_count_kv")) ?? headCount
        feedForwardLength = try int("feed_forward_length")
        contextLength = (try? int("context_length")) ?? 2048
        ropeTheta = Float(file["\(arch).rope.freq_base"]?.double ?? 10_000)
        rmsEpsilon = Float(try file.double("\(arch).attention.layer_norm_rms_epsilon"))
        if let size = try? int("vocab_size") {
            vocabularySize = size
        } else {
            vocabularySize = try file.strings("tokenizer.ggml.tokens").count
        }
        ropeDimensions = (try? int("rope.dimension_count")) ?? (embeddingLength / max(1, headCount))
        guard headCount > 0, kvHeadCount > 0, headCount % kvHeadCount == 0, embeddingLength % headCount == 0,
            ropeDimensions <= embeddingLength / headCount, ropeDimensions % 2 == 0, layerCount > 0
        else {
            throw LlamaError.invalidConfiguration(
                "heads \(headCount), kv heads \(kvHeadCount), width \(embeddingLength), rope dims \(ropeDimensions)")
        }
        if let scaling = file["\(arch).rope.scaling.type"]?.string, scaling != "none" {
            throw LlamaError.invalidConfiguration("rope scaling '\(scaling)' is not supported")
        }
    }
}

/// Errors of loading or running a Llama-family model.
public enum LlamaError: Error, CustomStringConvertible, Equatable {
    case unsupportedArchitecture(String)
    case invalidConfiguration(String)
    case badTensor(String)
    case modelNotInstalled(path: String)
    case promptTooLong(tokens: Int, context: Int)
    case invalidToken(Int)

    public var description: String {
        switch self {
        case .unsupportedArchitecture(let a):
            "model architecture '\(a)' is not supported (supported: llama, mistral, granite)"
        case .invalidConfiguration(let what): "invalid model configuration: \(what)"
        case .badTensor(let what): "model tensor problem: \(what)"
        case .modelNotInstalled(let path):
            "model file \(path) is missing: run `bash scripts/setup` to fetch SmolLM2-135M-Instruct"
        case .promptTooLong(let tokens, let context):
            "the prompt has \(tokens) tokens but the model's context holds \(context)"
        case .invalidToken(let id): "token id \(id) is outside the vocabulary"
        }
    }
}
