import Foundation

/// A teacher that can count a request's prompt tokens exactly, with its own tokenizer and chat
/// template (the local model). Other teachers' prompts are estimated from their length.
public protocol PromptTokenCounting: AnyObject {
    /// The tokens the teacher will read for `request`'s messages.
    func promptTokens(of request: ChatRequest) throws -> Int
}

/// What a bulk call is expected to use, worked out before anything is sent.
///
/// ```swift
/// let estimate = metered.estimate(requests)
/// estimate.tokens        // prompt plus completion tokens, e.g. 64400
/// estimate.prompt        // .tokenizer (counted exactly) or .characters (about 4 characters a token)
/// estimate.completion    // .maxTokens (an upper bound) or .recordedMean(31.2, answers: 50)
/// ```
public struct UsageEstimate: Hashable, Sendable {
    /// How the prompt tokens were counted.
    public enum PromptCount: Hashable, Sendable {
        /// With the teacher's tokenizer and chat template: exact.
        case tokenizer
        /// About 4 characters a token plus 4 a message and 3 for the reply's start: no
        /// tokenizer is known for this teacher.
        case characters
    }

    /// How the completion tokens were guessed.
    public enum CompletionGuess: Hashable, Sendable {
        /// Each request's `maxTokens` (512 when unset) for each of its `n` answers: an upper bound.
        case maxTokens
        /// The mean length of earlier recorded answers of the same model and `maxTokens`.
        case recordedMean(Double, answers: Int)
    }

    /// How many requests the estimate covers.
    public var requests: Int
    /// Expected prompt and completion tokens.
    public var usage: TokenUsage
    /// Expected cost at the teacher's price; nil when no price is known.
    public var cost: Double?
    /// How `usage.promptTokens` was counted.
    public var prompt: PromptCount
    /// How `usage.completionTokens` was guessed.
    public var completion: CompletionGuess

    /// Prompt plus completion tokens.
    public var tokens: Int { usage.promptTokens + usage.completionTokens }

    /// How the prompt tokens were reached, e.g. `counted with the teacher's tokenizer`.
    public var promptMethod: String {
        prompt == .tokenizer ? "counted with the teacher's tokenizer" : "estimated as characters / 4"
    }

    /// How the completion tokens were reached, e.g. `at max_tokens (an upper bound)`.
    public var completionMethod: String {
        switch completion {
        case .maxTokens: return "at max_tokens (an upper bound)"
        case .recordedMean(let mean, let answers):
            return String(format: "at the mean of %d recorded answers (%.1f tokens each)", answers, mean)
        }
    }

    /// Both in one line: `prompt counted with ...; completion at ...`.
    public var method: String { "prompt \(promptMethod); completion \(completionMethod)" }
}

/// Works out `UsageEstimate`s: prompts counted by the teacher's tokenizer when it has one,
/// completions from earlier recorded answers of the same kind when there are enough, otherwise
/// from `maxTokens`.
public struct UsageEstimator {
    /// The teacher's exact prompt counter, when it has one.
    public var counter: PromptTokenCounting?
    /// Recorded answers whose lengths predict completions; nil uses `maxTokens` only.
    public var history: RecordingStore?
    /// Recorded answers needed before their mean replaces `maxTokens`.
    public var minimumAnswers = 5
    /// Completion tokens assumed for a request without `maxTokens`.
    public var assumedCompletionTokens = 512

    /// An estimator; without a counter or history it falls back to lengths and `maxTokens`.
    public init(counter: PromptTokenCounting? = nil, history: RecordingStore? = nil) {
        self.counter = counter
        self.history = history
    }

    /// The expected usage (and cost at `price`) of sending `requests`.
    public func estimate(_ requests: [ChatRequest], price: ModelPrice?) -> UsageEstimate {
        let counted = counter.flatMap { counter in
            try? requests.reduce(0) { $0 + (try counter.promptTokens(of: $1)) }
        }
        let prompt = counted ?? requests.reduce(0) { $0 + Self.approximatePromptTokens($1) }
        var completion = 0
        var guess = UsageEstimate.CompletionGuess.maxTokens
        var means: [String: (mean: Double, answers: Int)?] = [:]
        for request in requests {
            let limit = request.maxTokens ?? assumedCompletionTokens
            let kind = "\(request.model)\u{0}\(limit)"
            if means[kind] == nil { means[kind] = recordedMean(model: request.model, maxTokens: request.maxTokens) }
            let answers = max(1, request.n ?? 1)
            if let recorded = means[kind]!, recorded.answers >= minimumAnswers {
                completion += Int(min(recorded.mean, Double(limit)).rounded(.up)) * answers
                guess = .recordedMean(recorded.mean, answers: recorded.answers)
            } else {
                completion += limit * answers
            }
        }
        let usage = TokenUsage(promptTokens: prompt, completionTokens: completion)
        return UsageEstimate(
            requests: requests.count, usage: usage, cost: price?.cost(of: usage),
            prompt: counted != nil ? .tokenizer : .characters, completion: guess)
    }

    /// The most `request` can use: its prompt (counted, or estimated from its length) and its
    /// `maxTokens` (512 when unset) for each of its `n` answers. What a budget reserves before
    /// sending it.
    public func worstCase(_ request: ChatRequest) -> TokenUsage {
        let prompt = (try? counter?.promptTokens(of: request)) ?? Self.approximatePromptTokens(request)
        let answers = max(1, request.n ?? 1)
        return TokenUsage(promptTokens: prompt, completionTokens: (request.maxTokens ?? assumedCompletionTokens) * answers)
    }

    /// About 4 characters a prompt token, plus 4 a message for the chat format and 3 for the
    /// start of the reply (OpenAI's rule of thumb for English text).
    public static func approximatePromptTokens(_ request: ChatRequest) -> Int {
        let characters = request.messages.reduce(0) { $0 + $1.content.count }
        return (characters + 3) / 4 + 4 * request.messages.count + 3
    }

    /// The mean completion tokens of recorded answers with this model and `maxTokens`.
    private func recordedMean(model: String, maxTokens: Int?) -> (mean: Double, answers: Int)? {
        guard let history else { return nil }
        var total = 0
        var answers = 0
        for recording in history.entries
        where recording.request.model == model && recording.request.maxTokens == maxTokens {
            total += recording.response.usage.completionTokens
            answers += max(1, recording.request.n ?? 1)
        }
        return answers == 0 ? nil : (Double(total) / Double(answers), answers)
    }
}
