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
public final class GPTClassifier: ParameterHolder {
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

    /// Byte-tokenised training examples from (text, label name) pairs; unknown labels throw.
    public func examples(_ pairs: [(text: String, label: String)]) throws -> [LabelledSequence] {
        let tok = ByteTokenizer()
        return try pairs.map { pair in
            guard let i = labels.firstIndex(of: pair.label) else {
                throw LearnError.invalidInput("label '\(pair.label)' is not one of \(labels)")
            }
            return LabelledSequence(tokens: tok.encode(pair.text), label: i)
        }
    }

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

    /// Mean cross-entropy of a batch against its labels; when every example carries soft
    /// targets, against them instead, at distillation `temperature` T: `T² · CE(softmax(z/T),
    /// q^(1/T) renormalised)`, so the gradient keeps its scale as T changes (Hinton et al. 2015).
    public func loss(_ batch: [LabelledSequence], temperature: Float = 1) throws -> Tensor {
        for e in batch where e.label < 0 || e.label >= labels.count {
            throw LearnError.invalidInput("label index \(e.label) out of range for \(labels.count) labels")
        }
        let logits = try logits(batch.map(\.tokens))
        guard !batch.isEmpty, batch.allSatisfy({ $0.soft != nil }) else {
            return try logits.crossEntropy(targets: batch.map(\.label))
        }
        guard temperature > 0, temperature.isFinite else {
            throw LearnError.invalidInput("the distillation temperature must be above 0, got \(temperature)")
        }
        var targets: [Float] = []
        for e in batch {
            let q = e.soft!
            guard q.count == labels.count else {
                throw LearnError.invalidInput("\(q.count) soft targets for \(labels.count) labels")
            }
            let sharpened = q.map { $0 > 0 ? Reproducible.exp(Reproducible.log($0) / temperature) : 0 }
            let total = sharpened.reduce(0, +)
            guard total > 0 else { throw LearnError.invalidInput("soft targets that are all zero") }
            targets += sharpened.map { $0 / total }
        }
        let soft = temperature == 1 ? logits : logits.scaled(1 / temperature)
        let loss = try soft.softCrossEntropy(targets: targets)
        return temperature == 1 ? loss : loss.scaled(temperature * temperature)
    }

    /// The most likely label of `text` and the probability of every label (in `labels` order).
    public func predict(_ text: String) throws -> (label: String, probabilities: [Float]) {
        let p = try noGrad { try logits([ByteTokenizer().encode(text)]).softmax() }
        let best = p.data.indices.max { p.data[$0] < p.data[$1] } ?? 0
        return (labels[best], p.data)
    }

    /// Predicted label indices for many texts, batched.
    public func predictLabels(_ texts: [[Int]], batchSize: Int = 32) throws -> [Int] {
        var out: [Int] = []
        try noGrad {
            for start in stride(from: 0, to: texts.count, by: batchSize) {
                let l = try logits(Array(texts[start..<min(texts.count, start + batchSize)]))
                let k = labels.count
                for r in 0..<(l.count / k) {
                    let row = Array(l.data[(r * k)..<((r + 1) * k)])
                    out.append(row.indices.max { row[$0] < row[$1] } ?? 0)
                }
            }
        }
        return out
    }

    /// Share of `examples` whose predicted label is right.
    public func accuracy(on examples: [LabelledSequence]) throws -> Float {
        guard !examples.isEmpty else { return 0 }
        let predicted = try predictLabels(examples.map(\.tokens))
        return Float(zip(predicted, examples).filter { $0 == $1.label }.count) / Float(examples.count)
    }
}
