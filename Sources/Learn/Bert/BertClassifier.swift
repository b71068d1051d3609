import Foundation
import PortableMath
import Tensor

/// A pretrained sentence encoder (all-MiniLM-L6-v2) with a linear label head on its
/// mean-pooled output: the student that needs few labels (SetFit's and KATE's encoder).
///
/// The head reads the raw mean-pooled vector, not the L2-normalised one `embed` gives: on
/// held-out tweets the normalised vector scored no better with this head's training (and
/// worse at its default rate), and a logistic regression on the raw one is the issue-21 bar.
///
/// `frozen`: only the head trains. The pooled vector of a text then never changes, so it is
/// computed once (without gradients) and kept in a `PooledVectorCache`, which the frozen
/// students of one encoder share, and training the head costs almost nothing.
/// Otherwise every encoder weight trains too, at `encoderRate` times the run's learning rate
/// on the encoder and the full rate on the head.
///
/// ```swift
/// let clf = try BertClassifier(sentence: try SentenceEncoder(), labels: ["neg", "pos"], frozen: true)
/// let data = try clf.examples([("great!", "pos"), ("awful", "neg")])
/// _ = try Trainer(options: TrainingOptions(epochs: 20, learningRate: 1e-2)).train(clf, on: data)
/// ```
public final class BertClassifier: TextClassifier {
    /// The tokenizer and encoder.
    public let sentence: SentenceEncoder
    /// `classifier`: `[C, labels]`
    public let head: Linear
    public let labels: [String]
    /// Whether the encoder's weights stay as they are (only the head trains).
    public let frozen: Bool
    /// The encoder's learning rate as a share of the head's (a full fine-tune only).
    public var encoderRate: Float
    /// Pooled vectors of texts already read, by token ids (used by a frozen encoder only).
    public let pooledCache: PooledVectorCache

    /// A fresh head over `labels` (at least two distinct) on `sentence`'s encoder. A frozen
    /// classifier keeps its pooled vectors in `cache` (pass one to share it between students
    /// of the same encoder).
    public init(
        sentence: SentenceEncoder, labels: [String], frozen: Bool, encoderRate: Float = 0.02, cache: PooledVectorCache? = nil,
        seed: UInt64 = 0
    ) throws {
        guard labels.count >= 2, Set(labels).count == labels.count else {
            throw LearnError.invalidInput("a classifier needs at least two distinct labels, got \(labels)")
        }
        var rng = SeededRandom(seed: StreamSeed.derive(seed, "head"))
        self.sentence = sentence
        head = Linear(sentence.dimension, labels.count, rng: &rng)
        self.labels = labels
        self.frozen = frozen
        self.encoderRate = encoderRate
        pooledCache = cache ?? PooledVectorCache()
    }

    /// The trained parameters: the head's, and the encoder's unless it is frozen.
    public func parameters(prefix: String) -> [NamedParameter] {
        frozen ? head.parameters(prefix: join(prefix, "classifier")) : allParameters(prefix: prefix)
    }

    /// Every weight, the encoder's under its Hugging Face names and the head's as
    /// `classifier.weight` / `classifier.bias` (what a checkpoint holds).
    public func allParameters(prefix: String = "") -> [NamedParameter] {
        sentence.encoder.parameters(prefix: prefix) + head.parameters(prefix: join(prefix, "classifier"))
    }

    /// Encoder and head values together.
    public var totalParameterCount: Int { allParameters().reduce(0) { $0 + $1.tensor.count } }

    public var contextLength: Int { sentence.maxLength }

    /// WordPiece ids, `[CLS]` and `[SEP]` included, cut to `contextLength`.
    public func encode(_ text: String) -> [Int] { sentence.tokens(text) }

    public func learningRateScale(_ p: NamedParameter) -> Float {
        p.name.hasPrefix("classifier.") ? 1 : encoderRate
    }

    public func logits(_ texts: [[Int]]) throws -> Tensor {
        guard !texts.isEmpty else { throw LearnError.invalidInput("no texts to classify") }
        return try head(try features(texts))  // (B, labels)
    }

    /// What the head reads for each text: the mean-pooled vector, from the shared cache when
    /// the encoder is frozen. `(B, C)`
    public func features(_ texts: [[Int]]) throws -> Tensor {
        let rows = texts.map { $0.isEmpty ? [Int](sentence.tokens("")) : $0 }
        return frozen ? try pooledCache.pooled(rows, encoder: sentence.encoder) : try sentence.encoder.pooled(rows)
    }

    /// A classifier with the same labels and weights whose training leaves this one as it was
    /// (a frozen one shares the encoder, whose weights never change).
    public func copy() throws -> BertClassifier {
        let encoder: SentenceEncoder
        if frozen {
            encoder = sentence
        } else {
            encoder = SentenceEncoder(
                tokenizer: sentence.tokenizer, encoder: try sentence.encoder.copy(), maxLength: sentence.maxLength)
        }
        let copy = try BertClassifier(
            sentence: encoder, labels: labels, frozen: frozen, encoderRate: encoderRate,
            cache: frozen ? pooledCache : nil)
        copy.head.restore(head.snapshot())
        return copy
    }
}
