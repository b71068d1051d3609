import PortableMath
import Tensor

/// A model that reads a text as token ids and scores each of its labels: the byte-level
/// `GPTClassifier` and the pretrained `BertClassifier` (MiniLM with a label head).
///
/// The loss (hard labels or the teacher's soft ones), prediction and accuracy are shared, so
/// `Trainer` and the workbench treat every classifier alike.
public protocol TextClassifier: ParameterHolder {
    /// Label names, by index.
    var labels: [String] { get }
    /// The most tokens of a text the model reads.
    var contextLength: Int { get }
    /// Token ids of `text` as the model reads it.
    func encode(_ text: String) -> [Int]
    /// Class logits for a batch of token sequences. Result `(B, labels)`.
    func logits(_ texts: [[Int]]) throws -> Tensor
    /// The factor on the learning rate of parameter `p` (1: the run's rate).
    func learningRateScale(_ p: NamedParameter) -> Float
}

extension TextClassifier {
    public func learningRateScale(_ p: NamedParameter) -> Float { 1 }

    /// Tokenised training examples from (text, label name) pairs; unknown labels throw.
    public func examples(_ pairs: [(text: String, label: String)]) throws -> [LabelledSequence] {
        try pairs.map { pair in
            guard let i = labels.firstIndex(of: pair.label) else {
                throw LearnError.invalidInput("label '\(pair.label)' is not one of \(labels)")
            }
            return LabelledSequence(tokens: encode(pair.text), label: i)
        }
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
        let p = try noGrad { try logits([encode(text)]).softmax() }
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
