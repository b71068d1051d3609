import Chat
import Foundation
import Tensor

/// The log-probability a model gives one continuation of a prompt.
public struct ContinuationScore: Sendable, Equatable {
    /// The sum over the continuation's tokens of log P(token | prompt, tokens before it), in nats.
    public var logprob: Double
    /// How many tokens were scored (for per-token normalisation).
    public var tokens: Int

    /// Creates a score.
    public init(logprob: Double, tokens: Int) {
        self.logprob = logprob
        self.tokens = tokens
    }
}

extension LlamaModel {
    /// Scores each candidate assistant reply after the chat `messages`: the log-probability that
    /// the model's reply is exactly that text, end-of-turn token included (so "positive" is not
    /// credited with the probability of "positive, because...").
    ///
    /// The prompt runs once (its shared prefix from the prefix cache); the replies' tokens then
    /// run together in one pass from its keys and values. The reply's tokens are
    /// those the tokenizer gives the whole conversation, so a reply is scored as the model
    /// would have written it.
    ///
    /// ```swift
    /// let scores = try model.scoreReplies(
    ///     messages: [ChatMessage(role: "user", content: "Is the sky blue? Answer yes or no.")],
    ///     replies: ["yes", "no"])
    /// scores.replies[0].logprob   // log P("yes<|im_end|>" | prompt), e.g. -0.3
    /// ```
    public func scoreReplies(
        messages: [ChatMessage], replies: [String], isCancelled: () -> Bool = { false }
    ) throws -> (promptTokens: Int, replies: [ContinuationScore]) {
        let template = try chatTemplate.get()
        let promptText = template.render(messages)
        let prompt = promptTokens(promptText)
        let endOfTurn = template.endOfTurn.lazy.compactMap { self.tokenizer.id(of: $0) }.first
        let continuations = replies.map { reply -> [Int] in
            let whole = promptTokens(promptText + reply)
            var tokens =
                whole.starts(with: prompt)
                ? Array(whole[prompt.count...]) : tokenizer.encode(reply, parseSpecial: false)
            if let endOfTurn { tokens.append(endOfTurn) }
            return tokens
        }
        return (prompt.count, try score(prompt: prompt, continuations: continuations, isCancelled: isCancelled))
    }

    /// Scores token continuations of a tokenised prompt: for each, the sum of its tokens'
    /// log-probabilities given the prompt and the tokens before them.
    ///
    /// Runs with Float activations (`ActivationFormat.float`) whatever `activations` says, so
    /// the figures match the dequantised model's to rounding. The prompt's longest cached prefix
    /// comes from the prefix cache (with the same bits as computing it afresh), and all the
    /// continuations run together in one forward pass, each over its own copy of the prompt.
    /// - Throws: `LlamaError` for an empty prompt, an unknown token or a context overflow;
    ///   `CancellationError` when `isCancelled` turns true.
    public func score(
        prompt: [Int], continuations: [[Int]], isCancelled: () -> Bool = { false }
    ) throws -> [ContinuationScore] {
        lock.lock()
        defer { lock.unlock() }
        guard !prompt.isEmpty else { throw LlamaError.invalidConfiguration("the prompt is empty") }
        let longest = continuations.map(\.count).max() ?? 0
        guard prompt.count + longest <= config.contextLength else {
            throw LlamaError.promptTooLong(tokens: prompt.count + longest, context: config.contextLength)
        }
        for token in continuations.joined() where token < 0 || token >= config.vocabularySize {
            throw LlamaError.invalidToken(token)
        }
        let saved = activations
        activations = .float
        defer { activations = saved }

        // The prompt: its longest cached prefix, then the rest in chunks.
        let (cache, cached) = prefixes.lookUp(prompt, limit: prompt.count - 1, empty: makeCache)
        var last: [Float] = []
        var position = cached
        while position < prompt.count {
            if isCancelled() { throw CancellationError() }
            let end = min(prompt.count, position + Self.promptChunk)
            last = try forward(Array(prompt[position..<end]), cache: cache)
            position = end
        }
        prefixes.insert(prompt, cache)
        if isCancelled() { throw CancellationError() }

        // Every continuation's tokens but the last in one pass, each over its own copy of the
        // prompt's cache: the weights are read once for all of them.
        let runs = continuations.map { Array($0.dropLast()) }
        let segments = runs.map {
            LlamaSegment(tokens: $0, cache: $0.isEmpty ? cache : cache.copy(prefix: prompt.count), allLogits: true)
        }
        let rows = try forward(segments)
        let V = config.vocabularySize
        return zip(continuations, rows).map { continuation, rows in
            guard let first = continuation.first else { return ContinuationScore(logprob: 0, tokens: 0) }
            var logprob = Self.logProbability(of: first, in: last[...])
            for (j, token) in continuation.dropFirst().enumerated() {
                logprob += Self.logProbability(of: token, in: rows[(j * V)..<((j + 1) * V)])
            }
            return ContinuationScore(logprob: logprob, tokens: continuation.count)
        }
    }

    /// log softmax(logits)[token], summed in Double in index order.
    static func logProbability(of token: Int, in logits: ArraySlice<Float>) -> Double {
        let top = Double(logits.max() ?? 0)
        var sum = 0.0
        for value in logits { sum += Foundation.exp(Double(value) - top) }
        return Double(logits[logits.startIndex + token]) - top - Foundation.log(sum)
    }
}
