/// A teacher's log-probability of one candidate reply (`ChatRequest.candidates`).
public struct CandidateScore: Codable, Hashable, Sendable {
    /// How much of the candidate the figure covers.
    public enum Coverage: String, Codable, Sendable {
        /// Every token of the candidate, and the end of the reply after it: log P(reply == candidate).
        case whole
        /// Only the candidate's first token, the most a chat-completions server's `top_logprobs`
        /// reveals: exact when each candidate is one token on the server's tokenizer.
        case firstToken
        /// The server did not list the candidate's first token among its most likely ones: the
        /// figure is an upper bound (the least likely listed token's log-probability).
        case notListed
    }

    /// The log-probability in nats (natural log).
    public var logprob: Double
    /// How many tokens it covers (for per-token normalisation).
    public var tokens: Int
    /// How much of the candidate it covers.
    public var coverage: Coverage

    /// Creates a score.
    public init(logprob: Double, tokens: Int, coverage: Coverage = .whole) {
        self.logprob = logprob
        self.tokens = tokens
        self.coverage = coverage
    }
}
