import Foundation
import PortableMath
import Tensor

/// A next-token language model the `Trainer` can train: the from-scratch `GPT` and the
/// pretrained `LlamaStudent`. Its `namedParameters` are what training updates (for a LoRA
/// student, the adapters only).
public protocol CausalLanguageModel: ParameterHolder {
    /// The longest window of input tokens one forward pass takes (longer sequences are cut).
    var contextLength: Int { get }

    /// Mean cross-entropy of predicting `targets` (one per input token, `-100` to skip) for
    /// `batch` rows of `time` tokens, weighted per token by `weights` (a loss mask) when given.
    func loss(inputs: [Int], targets: [Int], weights: [Float]?, batch: Int, time: Int) throws -> Tensor
}

extension CausalLanguageModel {
    /// Perplexity of the trained tokens of `sequences`: `exp(mean next-token loss)`.
    public func perplexity(of sequences: [TokenSequence]) throws -> Float {
        let loss = try meanLoss(of: sequences)
        return Reproducible.exp(loss)
    }

    /// Mean next-token cross-entropy over the trained tokens of `sequences`, without gradients.
    public func meanLoss(of sequences: [TokenSequence], batchSize: Int = 16) throws -> Float {
        let windows = sequences.flatMap { $0.windows(context: contextLength) }
        var total: Double = 0, tokens = 0
        try noGrad {
            for start in stride(from: 0, to: windows.count, by: batchSize) {
                let b = LanguageBatch(Array(windows[start..<min(windows.count, start + batchSize)]))
                guard b.trainedTokens > 0 else { continue }
                let loss = try self.loss(inputs: b.inputs, targets: b.targets, weights: b.weights, batch: b.batch, time: b.time)
                total += Double(loss.item) * Double(b.trainedTokens)
                tokens += b.trainedTokens
            }
        }
        guard tokens > 0 else { throw LearnError.invalidInput("no trained tokens to measure the loss on") }
        return Float(total / Double(tokens))
    }
}
