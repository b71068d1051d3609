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

    /// Continues a tokenised prompt. Reuses the cached keys and values of the longest prefix it
    /// shares with the previous call's tokens.
    public func generate(
        tokens prompt: [Int], options: GenerationOptions, isCancelled: () -> Bool = { false },
        onToken: (String) -> Void = { _ in }
    ) throws -> GenerationResult {
        try options.validate()
        lock.lock()
        defer { lock.unlock() }
        guard !prompt.isEmpty else { throw LlamaError.invalidConfiguration("the prompt is empty") }
        guard prompt.count < config.contextLength else {
            throw LlamaError.promptTooLong(tokens: prompt.count, context: config.contextLength)
        }
        var result = GenerationResult(
            text: "", tokens: [], promptTokens: prompt.count, finishReason: .length, promptSeconds: 0,
            generationSeconds: 0)
        if isCancelled() {
            result.finishReason = .cancelled
            return result
        }

        // Prompt: keep the shared prefix in the cache (at least one token must run to get logits).
        let clock = ContinuousClock()
        let promptStart = clock.now
        guard var logits = try prefill(prompt, minimumSuffix: 1, isCancelled: isCancelled) else {
            result.finishReason = .cancelled
            return result
        }
        result.promptSeconds = (clock.now - promptStart).seconds

        // Generation.
        let generationStart = clock.now
        var sampler = TokenSampler(options: options)
        let stops = options.stop.filter { !$0.isEmpty }
        let endTokens = Set(
            [options.stopAtEndOfText ? tokenizer.eosToken : nil].compactMap { $0 }
                + stops.compactMap { tokenizer.id(of: $0) }.filter(tokenizer.isControl))
        var history = prompt
        var decoder = UTF8StreamDecoder()
        var text = ""  // all generated text
        var emitted = 0  // characters of `text` already passed to onToken
        let budget = min(options.maxTokens, config.contextLength - prompt.count)
        defer { result.generationSeconds = (clock.now - generationStart).seconds }
        while result.tokens.count < budget {
            if isCancelled() {
                result.finishReason = .cancelled
                break
            }
            let next = sampler.sample(logits, history: history)
            if endTokens.contains(next) {
                result.finishReason = .stop
                break
            }
            result.tokens.append(next)
            history.append(next)
            text += decoder.append(tokenizer.tokenBytes[next])
            if let cut = Self.firstStop(in: text, stops: stops) {
                text = String(text[..<cut])
                result.finishReason = .stop
                break
            }
            // Hold back a tail that could still grow into a stop string.
            let safe = text.count - Self.heldBack(text, stops: stops)
            if safe > emitted {
                let start = text.index(text.startIndex, offsetBy: emitted), end = text.index(text.startIndex, offsetBy: safe)
                onToken(String(text[start..<end]))
                emitted = safe
            }
            if result.tokens.count == budget { break }
            logits = try forward([next], cache: cache)
            cachedTokens.append(next)
        }
        if result.finishReason != .stop { text += decoder.flush() }
        if text.count > emitted { onToken(String(text.dropFirst(emitted))) }
        result.text = text
        return result
    }

    /// Runs `prompt` into the model's cache, reusing the prefix it shares with the tokens already
    /// there, and returns the last position's logits; nil when `isCancelled` turned true
    /// between chunks. At least `minimumSuffix` tokens are run (at least one: their logits are
    /// needed). The caller holds `lock`; on an error the cache is emptied.
    func prefill(_ prompt: [Int], minimumSuffix: Int, isCancelled: () -> Bool) throws -> [Float]? {
        var shared = zip(cachedTokens, prompt).prefix { $0 == $1 }.count
        shared = max(0, min(shared, prompt.count - max(1, minimumSuffix)))
        cache.truncate(to: shared)
        cachedTokens = Array(prompt[..<shared])
        var logits: [Float] = []
        var position = shared
        do {
            while position < prompt.count {
                let end = min(prompt.count, position + 256)
                logits = try forward(Array(prompt[position..<end]), cache: cache)
                cachedTokens += prompt[position..<end]
                position = end
                if isCancelled() && position < prompt.count { return nil }
            }
        } catch {
            cache.truncate(to: 0)
            cachedTokens = []
            throw error
        }
        return logits
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
