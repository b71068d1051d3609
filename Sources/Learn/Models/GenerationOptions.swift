import Foundation

/// How a language model picks tokens and when it stops: one set of options for every model that
/// generates text (`GPT.generate` and `LlamaModel.generate`).
///
/// The defaults are plain greedy decoding of up to 128 tokens; `llamaCppDefaults` gives the
/// sampling llama.cpp uses. Each model keeps its own sampler (so a seed gives the same tokens it
/// always gave), and both honour every option here; `validate()` (run by both `generate`s) rejects
/// values neither can use.
///
/// ```swift
/// let options = GenerationOptions(maxTokens: 40, temperature: 0.7, topP: 0.9, seed: 42, stop: ["\n"])
/// let reply = try gpt.generate(text: "User: hi\nBot:", options: options)
/// let answer = try llama.generate(prompt: "Hello", options: options).text
/// ```
public struct GenerationOptions: Sendable, Equatable {
    /// Most new tokens to produce.
    public var maxTokens: Int
    /// Softmax temperature; 0 (or less) picks the most likely token (greedy).
    public var temperature: Float
    /// Keep only the k most likely tokens before sampling (nil or 0: all).
    public var topK: Int?
    /// Keep the smallest set of tokens whose probability reaches p, in [0, 1] (nil or 1: all;
    /// 0: the most likely token only).
    public var topP: Float?
    /// Divides positive (multiplies negative) logits of recently seen tokens (1: off).
    public var repetitionPenalty: Float
    /// How many recent tokens (prompt included) the penalty looks at.
    public var repetitionWindow: Int
    /// Seed of the sampler: the same seed and options give the same tokens; nil draws a fresh one.
    public var seed: UInt64?
    /// Generation ends before any of these texts; they are not part of the result.
    public var stop: [String]
    /// Stop at the model's end-of-text token (a GPT student's `ByteTokenizer.endOfText`, a
    /// Llama model's end-of-sequence token).
    public var stopAtEndOfText: Bool

    /// Creates options; the defaults decode greedily (see `llamaCppDefaults` for sampling).
    public init(
        maxTokens: Int = 128, temperature: Float = 0, topK: Int? = nil, topP: Float? = nil,
        repetitionPenalty: Float = 1, repetitionWindow: Int = 64, seed: UInt64? = 0, stop: [String] = [],
        stopAtEndOfText: Bool = true
    ) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.repetitionWindow = repetitionWindow
        self.seed = seed
        self.stop = stop
        self.stopAtEndOfText = stopAtEndOfText
    }

    /// llama.cpp's sampling: 256 tokens, temperature 0.8, top-k 40, top-p 0.95, a fresh seed.
    public static let llamaCppDefaults = GenerationOptions(
        maxTokens: 256, temperature: 0.8, topK: 40, topP: 0.95, seed: nil)

    /// Throws `LearnError.invalidInput` naming the first option no model can use.
    public func validate() throws {
        func reject(_ why: String) throws { throw LearnError.invalidInput("generation options: \(why)") }
        if maxTokens < 0 { try reject("maxTokens must be 0 or more, got \(maxTokens)") }
        if !temperature.isFinite { try reject("temperature must be a finite number, got \(temperature)") }
        if let topK, topK < 0 { try reject("topK must be 0 (all tokens) or more, got \(topK)") }
        if let topP, !(topP >= 0 && topP <= 1) { try reject("topP must be in [0, 1], got \(topP)") }
        if !(repetitionPenalty > 0 && repetitionPenalty.isFinite) {
            try reject("repetitionPenalty must be a positive number (1: off), got \(repetitionPenalty)")
        }
        if repetitionWindow < 0 { try reject("repetitionWindow must be 0 or more, got \(repetitionWindow)") }
    }

    /// The seed a sampler starts from: `seed`, or a fresh random one.
    var samplerSeed: UInt64 { seed ?? UInt64.random(in: 0...UInt64.max) }

    /// Applies `repetitionPenalty` to the logits of the last `repetitionWindow` tokens of `history`.
    func penalizeRepetitions(_ logits: inout [Float], history: [Int]) {
        guard repetitionPenalty != 1 else { return }
        for id in Set(history.suffix(repetitionWindow)) where id >= 0 && id < logits.count {
            logits[id] = logits[id] > 0 ? logits[id] / repetitionPenalty : logits[id] * repetitionPenalty
        }
    }
}
