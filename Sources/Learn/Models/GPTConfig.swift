/// The shape of a nanoGPT/GPT-2-style model.
///
/// Presets for the Workbench: `gptTiny` (about 0.9M parameters) and `gptSmall` (about 4.9M),
/// both over the byte tokenizer (257 ids). Benchmark configs matching
/// `../shared/bench/torch_gpt.py`: `benchTiny`, `benchSmall`, `gpt2`.
public struct GPTConfig: Codable, Equatable, Sendable {
    /// Number of token ids.
    public var vocabSize: Int
    /// Number of transformer blocks.
    public var layers: Int
    /// Attention heads per block (must divide `width`).
    public var heads: Int
    /// Channels (embedding width).
    public var width: Int
    /// Longest sequence the model sees (learned positions).
    public var context: Int

    public init(vocabSize: Int, layers: Int, heads: Int, width: Int, context: Int) {
        self.vocabSize = vocabSize
        self.layers = layers
        self.heads = heads
        self.width = width
        self.context = context
    }

    /// `gpt-tiny`: 4 layers, 4 heads, width 128, context 256, byte vocabulary (~0.9M parameters).
    public static let gptTiny = GPTConfig(vocabSize: ByteTokenizer.vocabularySize, layers: 4, heads: 4, width: 128, context: 256)
    /// `gpt-small`: 6 layers, 4 heads, width 256, context 256, byte vocabulary (~4.9M parameters).
    public static let gptSmall = GPTConfig(vocabSize: ByteTokenizer.vocabularySize, layers: 6, heads: 4, width: 256, context: 256)
    /// torch_gpt.py `tiny`: vocab 256, 2 layers, 4 heads, width 128, context 64 (batch 16).
    public static let benchTiny = GPTConfig(vocabSize: 256, layers: 2, heads: 4, width: 128, context: 64)
    /// torch_gpt.py `small`: vocab 256, 4 layers, 4 heads, width 256, context 128 (batch 16).
    public static let benchSmall = GPTConfig(vocabSize: 256, layers: 4, heads: 4, width: 256, context: 128)
    /// torch_gpt.py `gpt2`: GPT-2 small's shape with context 128 (batch 4).
    public static let gpt2 = GPTConfig(vocabSize: 50257, layers: 12, heads: 12, width: 768, context: 128)

    /// A preset by its Workbench or benchmark name: `gpt-tiny`, `gpt-small`, `tiny`, `small`, `gpt2`.
    public static func preset(named name: String) -> GPTConfig? {
        switch name {
        case "gpt-tiny": return .gptTiny
        case "gpt-small": return .gptSmall
        case "tiny": return .benchTiny
        case "small": return .benchSmall
        case "gpt2": return .gpt2
        default: return nil
        }
    }

    /// Checks the numbers make a model; the error says which does not.
    public func validate() throws {
        guard vocabSize > 0, layers > 0, heads > 0, width > 0, context > 0 else {
            throw LearnError.invalidConfig("every size must be positive: \(self)")
        }
        guard width % heads == 0 else {
            throw LearnError.invalidConfig("width \(width) is not divisible by \(heads) heads")
        }
    }
}
