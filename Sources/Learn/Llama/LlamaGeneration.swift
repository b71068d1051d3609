import Chat
import Foundation

/// What a generation produced.
public struct GenerationResult: Sendable, Equatable {
    /// Why generation ended.
    public enum FinishReason: String, Sendable {
        /// An end-of-sequence/end-of-turn token or a stop string.
        case stop
        /// `maxTokens` (or the context) ran out.
        case length
        /// `isCancelled` turned true.
        case cancelled
    }

    /// The generated text (stop strings and end-of-turn tokens excluded).
    public var text: String
    /// The generated token ids (the stop token excluded).
    public var tokens: [Int]
    /// Tokens in the prompt.
    public var promptTokens: Int
    /// Of `promptTokens`, how many came from the prefix cache (their keys and values were not
    /// computed again).
    public var cachedPromptTokens = 0
    /// Why it stopped.
    public var finishReason: FinishReason
    /// Seconds spent processing the (uncached part of the) prompt.
    public var promptSeconds: Double
    /// Seconds spent generating.
    public var generationSeconds: Double
}

extension LlamaModel {
    /// Renders `messages` with the model's chat template and generates the assistant's reply.
    public func generate(
        messages: [ChatMessage], options: GenerationOptions, isCancelled: () -> Bool = { false },
        onToken: (String) -> Void = { _ in }
    ) throws -> GenerationResult {
        let template = try chatTemplate.get()
        let prompt = template.render(messages)
        var options = options
        options.stop += template.endOfTurn
        return try generate(prompt: prompt, options: options, isCancelled: isCancelled, onToken: onToken)
    }

    /// The prompt's tokens: special-token texts are parsed, and BOS is added when the model wants it.
    public func promptTokens(_ prompt: String) -> [Int] {
        var tokens = tokenizer.encode(prompt, parseSpecial: true)
        if tokenizer.addsBOS, let bos = tokenizer.bosToken, tokens.first != bos { tokens.insert(bos, at: 0) }
        return tokens
    }

    /// Continues `prompt` (special-token texts such as `<|im_start|>` are parsed), calling
    /// `onToken` with each new piece of text as soon as it is certain not to be part of a stop string.
    public func generate(
        prompt: String, options: GenerationOptions, isCancelled: () -> Bool = { false },
        onToken: (String) -> Void = { _ in }
    ) throws -> GenerationResult {
        try generate(tokens: promptTokens(prompt), options: options, isCancelled: isCancelled, onToken: onToken)
    }

    /// Continues a tokenised prompt. Takes the keys and values of the longest prefix it shares
    /// with earlier prompts and replies from the prefix cache (`prefixCacheCapacity`).
    public func generate(
        tokens prompt: [Int], options: GenerationOptions, isCancelled: () -> Bool = { false },
        onToken: (String) -> Void = { _ in }
    ) throws -> GenerationResult {
        var outcome: Result<GenerationResult, Error>?
        generate(
            batch: [GenerationRequest(tokens: prompt, options: options)], width: 1, isCancelled: isCancelled,
            onToken: { _, piece in onToken(piece) }, onResult: { _, result in outcome = result })
        return try outcome!.get()
    }

    /// Where the earliest stop string begins in `text`, if any does.
    static func firstStop(in text: String, stops: [String]) -> String.Index? {
        stops.compactMap { text.range(of: $0)?.lowerBound }.min()
    }

    /// How many trailing characters of `text` are a proper prefix of some stop string.
    static func heldBack(_ text: String, stops: [String]) -> Int {
        var longest = 0
        for stop in stops {
            for n in stride(from: min(stop.count - 1, text.count), to: longest, by: -1) where text.hasSuffix(stop.prefix(n)) {
                longest = n
                break
            }
        }
        return longest
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
