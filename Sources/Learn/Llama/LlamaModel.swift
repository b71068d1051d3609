import Chat
import Foundation
import PortableMath
import Tensor

/// A Llama-family language model loaded from a GGUF file, ready for inference.
///
/// ```swift
/// let model = try LlamaModel(path: LlamaModel.defaultModelPath)
/// let result = try model.generate(
///     messages: [ChatMessage(role: "user", content: "Say hi")],
///     options: GenerationOptions(maxTokens: 20)) { piece in print(piece, terminator: "") }
/// print(result.tokens.count)
/// ```
///
/// Weights stay in the memory-mapped file in their quantised formats and are multiplied block by
/// block, for one token or many (`generate(batch:width:)` runs many sequences in one pass).
/// Calls are serialised by a lock. A token's result is the same bits whatever else ran in its
/// batch and whether its prompt prefix came from the prefix cache.
public final class LlamaModel: @unchecked Sendable {
    /// The parsed file (metadata and tensor directory).
    public let file: GGUFFile
    /// The model's shape.
    public let config: LlamaConfig
    /// The model's tokenizer.
    public let tokenizer: BPETokenizer
    /// The chat template from `tokenizer.chat_template`, or the error explaining why there is none.
    public let chatTemplate: Result<ChatTemplate, ChatTemplateError>
    /// Threads for the quantised matrix-vector products (`FEWSHOT_THREADS`, default: all cores).
    public var threads: Int
    /// How the forward pass feeds activations to the quantised products, for every batch size:
    /// `.int8` (default) rounds them to 8 bits per block of 32 as llama.cpp does, 1.3x faster
    /// decoding on AVX2 CPUs, moving SmolLM2's logits by up to 0.64; `.float` keeps them exact
    /// (products equal the dequantised weights' up to rounding: the parity tests and scoring
    /// use it). Each format has its own prefix cache (their keys and values differ).
    public var activations: ActivationFormat = .int8

    let weights: LlamaWeights
    let inverseFrequencies: [Float]
    /// Keys and values of earlier prompts and replies, reused when a prompt shares a prefix: one
    /// cache per activation format (8-bit, Float).
    private let prefixCaches: (int8: LlamaPrefixCache, float: LlamaPrefixCache)
    /// The prefix cache of the current activation format.
    var prefixes: LlamaPrefixCache { activations == .int8 ? prefixCaches.int8 : prefixCaches.float }
    /// The most memory each prefix cache keeps, in bytes (default 128 MiB,
    /// `FEWSHOT_PREFIX_CACHE_MB`): about 2,900 positions of SmolLM2-135M. The least recently
    /// used prefixes go first.
    public var prefixCacheCapacity: Int {
        get { lock.withLock { prefixCaches.int8.capacityBytes } }
        set {
            lock.withLock {
                prefixCaches.int8.capacityBytes = max(0, newValue)
                prefixCaches.float.capacityBytes = max(0, newValue)
            }
        }
    }

    /// Bytes the prefix caches hold now.
    public var prefixCacheBytes: Int { lock.withLock { prefixCaches.int8.bytes + prefixCaches.float.bytes } }
    let lock = NSLock()

    /// Where `scripts/setup` installs SmolLM2-135M-Instruct: `$FEWSHOT_HOME/models/...`.
    public static var defaultModelPath: String {
        let home = ProcessInfo.processInfo.environment["FEWSHOT_HOME"] ?? (NSHomeDirectory() + "/.cache/fewshot")
        return home + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    }

    /// Loads the model at `path` (memory-mapped; nothing is dequantised up front).
    public convenience init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw LlamaError.modelNotInstalled(path: path) }
        try self.init(file: GGUFFile(path: path))
    }

    /// Builds the model from a parsed GGUF file.
    public convenience init(file: GGUFFile) throws {
        let config = try LlamaConfig(gguf: file)
        try self.init(file: file, config: config, weights: LlamaWeights(file: file, config: config))
    }

    /// A model with the tokenizer and chat template of `file` and other weights of the same shape
    /// (a fine-tuned student's, see `LlamaStudent.inferenceModel()`).
    init(file: GGUFFile, config: LlamaConfig, weights: LlamaWeights) throws {
        self.file = file
        self.config = config
        tokenizer = try BPETokenizer(gguf: file)
        guard tokenizer.vocabularySize == config.vocabularySize else {
            throw LlamaError.invalidConfiguration(
                "\(tokenizer.vocabularySize) tokens in the vocabulary, \(config.vocabularySize) in the model")
        }
        if let source = file["tokenizer.chat_template"]?.string {
            chatTemplate = Result { try ChatTemplate(jinja: source) }.mapError { $0 as! ChatTemplateError }
        } else {
            chatTemplate = .failure(.missing)
        }
        self.weights = weights
        let dims = config.ropeDimensions, theta = Double(config.ropeTheta)
        inverseFrequencies = (0..<(dims / 2)).map { i in Float(1 / Reproducible.pow(theta, Double(2 * i) / Double(dims))) }
        threads =
            ProcessInfo.processInfo.environment["FEWSHOT_THREADS"].flatMap(Int.init)
            ?? ProcessInfo.processInfo.activeProcessorCount
        let megabytes = ProcessInfo.processInfo.environment["FEWSHOT_PREFIX_CACHE_MB"].flatMap(Int.init) ?? 128
        prefixCaches = (
            LlamaPrefixCache(capacityBytes: max(0, megabytes) << 20), LlamaPrefixCache(capacityBytes: max(0, megabytes) << 20)
        )
    }

    /// A one-line description, e.g. `llama 134.5M params q4_1, 30 layers, width 576`.
    public var summary: String {
        GGUFModelSummary(file: file, path: nil).description
    }
}
