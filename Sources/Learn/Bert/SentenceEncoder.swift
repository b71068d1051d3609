import Foundation
import Tensor

/// A sentence-embedding model: a WordPiece tokenizer, a BERT encoder, mean pooling and L2
/// normalisation (all-MiniLM-L6-v2 as sentence-transformers runs it).
///
/// ```swift
/// let model = try SentenceEncoder(directory: SentenceEncoder.defaultDirectory)
/// let v = try model.embed(["a cat sat", "a kitten sat"])  // two unit vectors of 384 values
/// let trainable = try model.pooled(["a cat sat"])          // (1, 384), before normalisation
/// ```
public final class SentenceEncoder {
    /// The tokenizer (`tokenizer.json`).
    public let tokenizer: WordPieceTokenizer
    /// The encoder (`config.json`, `model.safetensors`).
    public let encoder: BertEncoder
    /// Texts are cut to this many tokens, `[CLS]` and `[SEP]` included (sentence-transformers'
    /// `max_seq_length`, 256 for all-MiniLM-L6-v2).
    public let maxLength: Int
    /// The folder its files were read from (nil for a model built in memory): a frozen
    /// student's file refers to the weights there by name and SHA-256 instead of copying them.
    public let directory: String?

    /// The name `models()` and error messages use.
    public static let modelName = "all-MiniLM-L6-v2"
    /// The files a model directory must hold.
    public static let requiredFiles = ["config.json", "tokenizer.json", "model.safetensors"]

    /// Where `scripts/setup` installs all-MiniLM-L6-v2: `$FEWSHOT_HOME/models/all-MiniLM-L6-v2`.
    public static var defaultDirectory: String {
        let home = ProcessInfo.processInfo.environment["FEWSHOT_HOME"] ?? (NSHomeDirectory() + "/.cache/fewshot")
        return home + "/models/" + modelName
    }

    /// Whether every required file is in `directory`.
    public static func isInstalled(at directory: String = defaultDirectory) -> Bool {
        requiredFiles.allSatisfy { FileManager.default.fileExists(atPath: directory + "/" + $0) }
    }

    /// A model from its parts (`directory`: where they were read from, if they were).
    public init(tokenizer: WordPieceTokenizer, encoder: BertEncoder, maxLength: Int = 256, directory: String? = nil) {
        self.tokenizer = tokenizer
        self.encoder = encoder
        self.maxLength = max(2, min(maxLength, encoder.config.maxPositions))
        self.directory = directory
    }

    /// Loads the model in `directory`; a missing file is an error that names the setup command.
    public convenience init(directory: String = defaultDirectory, maxLength: Int = 256) throws {
        for file in Self.requiredFiles where !FileManager.default.fileExists(atPath: directory + "/" + file) {
            throw LearnError.checkpoint(
                "\(directory)/\(file) is missing: run `bash scripts/setup` to install \(Self.modelName)")
        }
        let config = try BertConfig(path: directory + "/config.json")
        self.init(
            tokenizer: try WordPieceTokenizer(path: directory + "/tokenizer.json"),
            encoder: try BertEncoder(safetensors: directory + "/model.safetensors", config: config),
            maxLength: maxLength, directory: directory)
    }

    /// The width of an embedding (384).
    public var dimension: Int { encoder.config.width }

    /// Token ids of `text` as the encoder reads it (cut to `maxLength`).
    public func tokens(_ text: String) -> [Int] { tokenizer.encode(text, maxLength: maxLength) }

    /// Mean-pooled hidden states of `texts`, on the autograd tape (train through it). `(B, C)`
    public func pooled(_ texts: [String]) throws -> Tensor {
        try encoder.pooled(texts.map(tokens))
    }

    /// Unit-length embeddings of `texts`, in order, computed without gradients in batches of
    /// `batchSize` texts of similar length (the batching never changes a value). `progress`
    /// hears the number of texts done after each batch, and may throw to stop.
    public func embed(
        _ texts: [String], batchSize: Int = 64, progress: ((_ done: Int) throws -> Void)? = nil
    ) throws -> [[Float]] {
        let ids = texts.map(tokens)
        let order = ids.indices.sorted { (ids[$0].count, $0) < (ids[$1].count, $1) }
        var out = [[Float]](repeating: [], count: texts.count)
        try noGrad {
            for start in stride(from: 0, to: order.count, by: max(1, batchSize)) {
                let chunk = Array(order[start..<min(order.count, start + max(1, batchSize))])
                let pooled = try encoder.pooled(chunk.map { ids[$0] })  // (b, C)
                let c = dimension
                for (row, index) in chunk.enumerated() {
                    out[index] = Self.normalized(Array(pooled.data[(row * c)..<((row + 1) * c)]))
                }
                try progress?(start + chunk.count)
            }
        }
        return out
    }

    /// `v / max(|v|, 1e-12)`, the sum of squares taken in index order.
    public static func normalized(_ v: [Float]) -> [Float] {
        var squares: Float = 0
        for x in v { squares += x * x }
        let norm = max(squares.squareRoot(), 1e-12)
        return v.map { $0 / norm }
    }

    /// The cosine similarity of two vectors of the same length (0 when either is zero), the
    /// sums taken in index order.
    public static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var dot: Float = 0, aa: Float = 0, bb: Float = 0
        for i in 0..<min(a.count, b.count) {
            dot += a[i] * b[i]
            aa += a[i] * a[i]
            bb += b[i] * b[i]
        }
        let denominator = aa.squareRoot() * bb.squareRoot()
        return denominator > 0 ? dot / denominator : 0
    }
}
