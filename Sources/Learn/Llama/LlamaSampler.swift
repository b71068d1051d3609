import Foundation
import Tensor

/// How to pick tokens: every knob of a chat-completion request plus llama.cpp's usual ones.
public struct LlamaGenerationOptions: Sendable, Equatable {
    /// Most tokens to generate.
    public var maxTokens: Int
    /// Softmax temperature; 0 picks the most likely token (greedy).
    public var temperature: Float
    /// Keep only the `topK` most likely tokens (0: all).
    public var topK: Int
    /// Keep the smallest set of tokens whose probability reaches `topP` (1: all).
    public var topP: Float
    /// Divides positive (multiplies negative) logits of recently seen tokens (1: off).
    public var repetitionPenalty: Float
    /// How many recent tokens (prompt included) the penalty looks at.
    public var repetitionWindow: Int
    /// Seed of the sampler; nil draws a fresh one.
    public var seed: UInt64?
    /// Generation ends before any of these texts; they are not part of the result.
    public var stop: [String]

    /// Creates options; the defaults are llama.cpp's (temperature 0.8, top-k 40, top-p 0.95).
    public init(
        maxTokens: Int = 256, temperature: Float = 0.8, topK: Int = 40, topP: Float = 0.95,
        repetitionPenalty: Float = 1, repetitionWindow: Int = 64, seed: UInt64? = nil, stop: [String] = []
    ) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.repetitionWindow = repetitionWindow
        self.seed = seed
        self.stop = stop
    }
}

/// Picks the next token from logits under `LlamaGenerationOptions`, with its own seeded generator.
struct LlamaSampler {
    let options: LlamaGenerationOptions
    private var rng: SeededRandom

    init(options: LlamaGenerationOptions) {
        self.options = options
        rng = SeededRandom(seed: options.seed ?? UInt64.random(in: 0...UInt64.max))
    }

    /// Order: repetition penalty, temperature, top-k, top-p, then a draw (as Hugging Face does).
    mutating func sample(_ logits: [Float], history: [Int]) -> Int {
        var logits = logits
        if options.repetitionPenalty != 1 {
            for id in Set(history.suffix(options.repetitionWindow)) where id >= 0 && id < logits.count {
                logits[id] = logits[id] > 0 ? logits[id] / options.repetitionPenalty : logits[id] * options.repetitionPenalty
            }
        }
        if options.temperature <= 0 {
            var best = 0
            for i in 1..<logits.count where logits[i] > logits[best] { best = i }
            return best
        }
        var candidates = logits.indices.map { (id: $0, logit: logits[$0] / options.temperature) }
        candidates.sort { $0.logit > $1.logit }
        if options.topK > 0 && options.topK < candidates.count { candidates.removeSubrange(options.topK...) }
        let top = candidates[0].logit
        var probabilities = candidates.map { exp($0.logit - top) }
        let total = probabilities.reduce(0, +)
        for i in probabilities.indices { probabilities[i] /= total }
        if options.topP < 1 {
            var mass: Float = 0
            var keep = probabilities.count
            for (i, p) in probabilities.enumerated() {
                mass += p
                if mass >= options.topP {
                    keep = i + 1
                    break
                }
            }
            probabilities.removeSubrange(keep...)
            candidates.removeSubrange(keep...)
        }
        let kept = probabilities.reduce(0, +)
        var draw = Float(Double(rng.next() >> 11) / Double(1 << 53)) * kept
        for (i, p) in probabilities.enumerated() {
            draw -= p
            if draw <= 0 { return candidates[i].id }
        }
        return candidates[candidates.count - 1].id
    }
}
