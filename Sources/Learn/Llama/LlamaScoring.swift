import Chat
import Foundation
import PortableMath
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

/// One prompt and the token continuations to score after it, for `LlamaModel.score(batch:width:)`.
public struct ScoringRequest: Sendable, Equatable {
    /// The tokenised prompt (`LlamaModel.promptTokens`).
    public var tokens: [Int]
    /// The continuations, each scored on its own after the prompt.
    public var continuations: [[Int]]

    /// Creates a request.
    public init(tokens: [Int], continuations: [[Int]]) {
        self.tokens = tokens
        self.continuations = continuations
    }
}

/// What scoring one prompt produced.
public struct ScoringResult: Sendable {
    /// Each continuation's score, in the request's order.
    public var scores: [ContinuationScore]
    /// Tokens in the prompt.
    public var promptTokens: Int
    /// Of `promptTokens`, how many came from the prefix cache.
    public var cachedPromptTokens: Int
    /// Seconds from when the prompt joined the batch to when its scores were done.
    public var seconds: Double
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
        let request = try scoringRequest(messages: messages, replies: replies)
        return (
            request.tokens.count,
            try score(prompt: request.tokens, continuations: request.continuations, isCancelled: isCancelled)
        )
    }

    /// The tokens `scoreReplies` scores: the chat `messages` in the model's template, and each
    /// reply's tokens as the tokenizer gives them after that prompt, end-of-turn token included.
    public func scoringRequest(messages: [ChatMessage], replies: [String]) throws -> ScoringRequest {
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
        return ScoringRequest(tokens: prompt, continuations: continuations)
    }

    /// Scores token continuations of a tokenised prompt: for each, the sum of its tokens'
    /// log-probabilities given the prompt and the tokens before them. `score(batch:)` of one.
    /// - Throws: `LlamaError` for an empty prompt, an unknown token or a context overflow;
    ///   `CancellationError` when `isCancelled` turns true.
    public func score(
        prompt: [Int], continuations: [[Int]], isCancelled: () -> Bool = { false }
    ) throws -> [ContinuationScore] {
        var outcome: Result<ScoringResult, Error> = .failure(CancellationError())
        score(
            batch: [ScoringRequest(tokens: prompt, continuations: continuations)], width: 1, isCancelled: isCancelled,
            onResult: { _, result in outcome = result })
        return try outcome.get().scores
    }

    /// Scores many prompts' continuations, `width` prompts at a time, in the same continuous
    /// batches as `generate(batch:)`: each step runs the uncached part of every joining prompt
    /// and the continuations of every prompt that has finished, through one forward pass.
    ///
    /// Runs with Float activations (`ActivationFormat.float`) whatever `activations` says, so
    /// the figures match the dequantised model's to rounding. Each prompt takes its longest
    /// cached prefix from the prefix cache and leaves itself there; its continuations run
    /// together, each over its own copy of the prompt's keys and values. A big job runs on
    /// several lanes, as `generate(batch:)` does. A prompt's scores are the same bits whatever
    /// `width`, the lanes, the other prompts or the cache held. `onResult` gets each
    /// as it is done, with the request's index; a bad request fails alone (`LlamaError`), and
    /// when `isCancelled` turns true the unfinished ones fail with `CancellationError`.
    ///
    /// ```swift
    /// let rows = try ["I love it", "worst day ever"].map {
    ///     try model.scoringRequest(messages: [ChatMessage(role: "user", content: $0)], replies: ["positive", "negative"])
    /// }
    /// model.score(batch: rows, width: 8) { index, result in print(index, try! result.get().scores) }
    /// ```
    public func score(
        batch requests: [ScoringRequest], width: Int, lanes: Int? = nil, isCancelled: () -> Bool = { false },
        onResult: (Int, Result<ScoringResult, Error>) -> Void
    ) {
        lock.lock()
        defer { lock.unlock() }
        let saved = activations
        activations = .float
        defer { activations = saved }
        runBatch(
            requests.map { LlamaBatchRequest(tokens: $0.tokens, work: .score($0.continuations)) }, width: width,
            lanes: lanes, isCancelled: isCancelled, onToken: { _, _ in },
            onResult: { index, outcome in
                onResult(
                    index,
                    outcome.flatMap {
                        guard case .scored(let result) = $0 else { preconditionFailure("a scored request was generated") }
                        return .success(result)
                    })
            })
    }

    /// log softmax(logits)[token], summed in Double in index order with fewshot's own exp and
    /// log (`Reproducible`), so the figure does not depend on the C library.
    static func logProbability(of token: Int, in logits: ArraySlice<Float>) -> Double {
        let top = Double(logits.max() ?? 0)
        var sum = 0.0
        for value in logits { sum += Reproducible.exp(Double(value) - top) }
        return Double(logits[logits.startIndex + token]) - top - Reproducible.log(sum)
    }
}
