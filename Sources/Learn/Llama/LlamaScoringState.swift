/// One prompt being scored: its continuations' log-probabilities so far. The forward passes
/// that feed it are the scheduler's (`runBatch`): first the prompt's, whose last logits give
/// every continuation's first token; then one pass of each continuation's tokens but the last,
/// each over its own copy of the prompt's keys and values.
struct LlamaScoringState {
    let continuations: [[Int]]
    /// Each continuation's sum so far, in continuation token order.
    private var logprobs: [Double]
    private var promptLogitsTaken = false
    private var runsTaken = false

    init(continuations: [[Int]]) {
        self.continuations = continuations
        logprobs = Array(repeating: 0, count: continuations.count)
    }

    /// Each continuation's tokens but the last: what must run after the prompt to score the
    /// rest (empty for a continuation of at most one token).
    private var runs: [[Int]] { continuations.map { Array($0.dropLast()) } }

    /// Whether every continuation's every token has its log-probability.
    var isComplete: Bool { promptLogitsTaken && (runsTaken || runs.allSatisfy(\.isEmpty)) }

    /// Adds each continuation's first token's log-probability, from the logits (V) after the prompt.
    mutating func takePromptLogits(_ last: [Float]) {
        for (i, continuation) in continuations.enumerated() {
            if let token = continuation.first { logprobs[i] = LlamaModel.logProbability(of: token, in: last[...]) }
        }
        promptLogitsTaken = true
    }

    /// The continuations' runs, one segment each (those without tokens left out), each over its
    /// own copy of the prompt's cache `prompt`, with the logits of every position.
    func segments(after prompt: LlamaKVCache) -> [LlamaSegment] {
        runs.filter { !$0.isEmpty }.map {
            LlamaSegment(
                tokens: $0, cache: prompt.copy(prefix: prompt.count, reserving: prompt.count + $0.count), allLogits: true)
        }
    }

    /// Adds each continuation's later tokens' log-probabilities from its run's logits ((T_i, V)
    /// per run with tokens, in the order of `segments(after:)`).
    mutating func takeContinuationLogits(_ rows: ArraySlice<[Float]>, vocabulary V: Int) {
        var next = rows.startIndex
        for (i, continuation) in continuations.enumerated() where continuation.count > 1 {
            let logits = rows[next]
            next += 1
            for (j, token) in continuation.dropFirst().enumerated() {
                logprobs[i] += LlamaModel.logProbability(of: token, in: logits[(j * V)..<((j + 1) * V)])
            }
        }
        runsTaken = true
    }

    /// The scores, once complete.
    var scores: [ContinuationScore] {
        zip(continuations, logprobs).map { ContinuationScore(logprob: $1, tokens: $0.count) }
    }
}
