import Chat

/// One sequence being generated: what it has sampled, its stop tokens and strings, and the text
/// it has streamed. The forward pass that feeds it is someone else's (`generate(batch:)`).
struct LlamaDecodingState {
    private(set) var result: GenerationResult
    private var sampler: TokenSampler
    private let stops: [String]
    private let endTokens: Set<Int>
    private var history: [Int]
    private var decoder = UTF8StreamDecoder()
    private var text = ""  // all generated text
    private var emitted = 0  // characters of `text` already passed to onToken
    private let budget: Int

    init(prompt: [Int], options: GenerationOptions, tokenizer: BPETokenizer, contextLength: Int) {
        result = GenerationResult(
            text: "", tokens: [], promptTokens: prompt.count, finishReason: .length, promptSeconds: 0,
            generationSeconds: 0)
        sampler = TokenSampler(options: options)
        stops = options.stop.filter { !$0.isEmpty }
        endTokens = Set(
            [options.stopAtEndOfText ? tokenizer.eosToken : nil].compactMap { $0 }
                + stops.compactMap { tokenizer.id(of: $0) }.filter(tokenizer.isControl))
        history = prompt
        budget = min(options.maxTokens, contextLength - prompt.count)
    }

    /// Samples the next token from the logits after the last one, streams the text that is
    /// certain not to be part of a stop string, and returns the token to run next, or nil when
    /// the sequence has ended (an end token, a stop string, or its budget).
    mutating func step(_ logits: [Float], tokenizer: BPETokenizer, onToken: (String) -> Void) -> Int? {
        guard result.tokens.count < budget else { return nil }
        let next = sampler.sample(logits, history: history)
        if endTokens.contains(next) {
            result.finishReason = .stop
            return nil
        }
        result.tokens.append(next)
        history.append(next)
        text += decoder.append(tokenizer.tokenBytes[next])
        if let cut = LlamaModel.firstStop(in: text, stops: stops) {
            text = String(text[..<cut])
            result.finishReason = .stop
            return nil
        }
        // Hold back a tail that could still grow into a stop string.
        let safe = text.count - LlamaModel.heldBack(text, stops: stops)
        if safe > emitted {
            let start = text.index(text.startIndex, offsetBy: emitted), end = text.index(text.startIndex, offsetBy: safe)
            onToken(String(text[start..<end]))
            emitted = safe
        }
        return result.tokens.count == budget ? nil : next
    }

    /// Ends the sequence (`cancelled` when it was cut short) and streams the rest of its text.
    mutating func finish(cancelled: Bool, onToken: (String) -> Void) -> GenerationResult {
        if cancelled { result.finishReason = .cancelled }
        if result.finishReason != .stop { text += decoder.flush() }
        if text.count > emitted { onToken(String(text.dropFirst(emitted))) }
        emitted = text.count
        result.text = text
        return result
    }

    /// Records the seconds the prompt and the generation took.
    mutating func setSeconds(prompt: Double, generation: Double) {
        result.promptSeconds = prompt
        result.generationSeconds = generation
    }

    /// Records how many prompt tokens came from the prefix cache.
    mutating func setCachedPromptTokens(_ count: Int) { result.cachedPromptTokens = count }
}
