import PortableMath
import Tensor

/// How a classifier turns the backbone's hidden states into one vector per text.
public enum Pooling: String, Codable, Sendable {
    /// The hidden state of the last token (it has seen the whole text).
    case last
    /// The mean over the text's tokens.
    case mean
}

/// A text classifier: a GPT backbone, pooling, and a linear head (`score`) over label names.
///
/// ```swift
/// let clf = try GPTClassifier(config: .gptTiny, labels: ["negative", "positive"])
/// let data = try clf.examples([("great!", "positive"), ("awful", "negative")])
/// _ = try Trainer(options: TrainingOptions(epochs: 3)).train(clf, on: data)
/// let (label, probs) = try clf.predict("what a day")
/// ```
public final class GPTClassifier: TextClassifier {
    /// The transformer body.
    public let backbone: GPT
    /// `score`: `[C, labels]`
    public let head: Linear
    /// Label names, by index.
    public let labels: [String]
    /// How hidden states are pooled.
    public let pooling: Pooling

    /// A fresh classifier over `labels` (at least two).
    public init(config: GPTConfig, labels: [String], pooling: Pooling = .last, seed: UInt64 = 0) throws {
        guard labels.count >= 2, Set(labels).count == labels.count else {
            throw LearnError.invalidInput("a classifier needs at least two distinct labels, got \(labels)")
        }
        backbone = try GPT(config: config, seed: seed)
        var rng = SeededRandom(seed: StreamSeed.derive(seed, "head"))
        head = Linear(config.width, labels.count, rng: &rng)
        self.labels = labels
        self.pooling = pooling
    }

    /// A classifier around existing parts (used when loading a checkpoint).
    init(backbone: GPT, head: Linear, labels: [String], pooling: Pooling) {
        self.backbone = backbone
        self.head = head
        self.labels = labels
        self.pooling = pooling
    }

    public func parameters(prefix: String) -> [NamedParameter] {
        backbone.parameters(prefix: prefix) + head.parameters(prefix: join(prefix, "score"))
    }

    /// Byte tokens of `text`.
    public func encode(_ text: String) -> [Int] { ByteTokenizer().encode(text) }

    /// The classifier reads the last `context` bytes of a text.
    public var contextLength: Int { backbone.config.context }

    /// Class logits for a batch of texts (each cut to its last `context` tokens). Result `(B, labels)`.
    public func logits(_ texts: [[Int]]) throws -> Tensor {
        let context = backbone.config.context
        let rows = texts.map { Array(($0.isEmpty ? [0] : $0).suffix(context)) }
        let time = rows.map(\.count).max() ?? 1
        let b = rows.count
        guard b > 0 else { throw LearnError.invalidInput("no texts to classify") }
        let padded = rows.flatMap { $0 + Array(repeating: 0, count: time - $0.count) }
        let h = try backbone.hidden(padded, batch: b, time: time).reshaped([b * time, -1])  // (B*T, C)
        let pooled: Tensor  // (B, C)
        switch pooling {
        case .last:
            // Right padding and causal attention: the last real token never saw the padding.
            pooled = try Tensor.embedding(
                h, indices: rows.enumerated().map { $0.offset * time + $0.element.count - 1 }, shape: [b])
        case .mean:
            var weights = [Float](repeating: 0, count: b * b * time)  // (B, B*T)
            for (i, r) in rows.enumerated() {
                for t in 0..<r.count { weights[i * b * time + i * time + t] = 1 / Float(r.count) }
            }
            pooled = try Tensor(weights, shape: [b, b * time]).matmul(h)
        }
        return try head(pooled)  // (B, labels)
    }
}
