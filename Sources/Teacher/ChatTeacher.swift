/// The teacher interface shared by every teacher: the HTTP client (OpenAI-compatible servers)
/// and the local in-process model. `generate`, `evaluate` and `chat` see only this protocol,
/// so they cannot tell a remote teacher from a local one.

import Chat

/// A chat-completion request: the conversation so far plus sampling settings.
///
/// Two requests that are equal ask the same question; recording and replay key on this value.
public struct ChatRequest: Codable, Hashable, Sendable {
    /// The model name the teacher should use (for the local teacher, its model id).
    public var model: String
    /// The conversation.
    public var messages: [ChatMessage]
    /// Sampling temperature; nil leaves the teacher's default.
    public var temperature: Double?
    /// Nucleus-sampling mass; nil leaves the teacher's default.
    public var topP: Double?
    /// Upper bound on generated tokens.
    public var maxTokens: Int?
    /// Sampling seed, for teachers that honour one.
    public var seed: Int?
    /// Stop sequences: generation ends before any of them.
    public var stop: [String]
    /// How many completions to generate for this one request (the API's `n`); nil means one.
    public var n: Int? = nil
    /// The answer's required shape (JSON mode or a JSON schema); nil means free text.
    public var responseFormat: ResponseFormat? = nil
    /// Candidate replies to score instead of writing one: the teacher answers with each one's
    /// log-probability as the reply to `messages` (`ChatResponse.candidateScores`), and no text.
    public var candidates: [String]? = nil

    /// Creates a request; only `model` and `messages` are required.
    public init(
        model: String, messages: [ChatMessage], temperature: Double? = nil, topP: Double? = nil,
        maxTokens: Int? = nil, seed: Int? = nil, stop: [String] = []
    ) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.seed = seed
        self.stop = stop
    }
}

/// Token counts for one or more completions.
public struct TokenUsage: Codable, Hashable, Sendable {
    /// Tokens in the prompt.
    public var promptTokens: Int
    /// Tokens the teacher generated.
    public var completionTokens: Int
    /// Of `promptTokens`, those whose keys and values came from the teacher's prefix cache
    /// instead of being computed (OpenAI's `prompt_tokens_details.cached_tokens`).
    public var cachedPromptTokens: Int

    /// Creates a usage record.
    public init(promptTokens: Int = 0, completionTokens: Int = 0, cachedPromptTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
    }

    /// The sum of two usages.
    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            promptTokens: lhs.promptTokens + rhs.promptTokens,
            completionTokens: lhs.completionTokens + rhs.completionTokens,
            cachedPromptTokens: lhs.cachedPromptTokens + rhs.cachedPromptTokens)
    }

    private enum CodingKeys: String, CodingKey {
        case promptTokens, completionTokens, cachedPromptTokens
    }

    /// Reads a usage; recordings made before cached tokens were counted have none.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        promptTokens = try container.decode(Int.self, forKey: .promptTokens)
        completionTokens = try container.decode(Int.self, forKey: .completionTokens)
        cachedPromptTokens = try container.decodeIfPresent(Int.self, forKey: .cachedPromptTokens) ?? 0
    }

    /// Writes a usage, with `cachedPromptTokens` only when some were cached.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        if cachedPromptTokens > 0 { try container.encode(cachedPromptTokens, forKey: .cachedPromptTokens) }
    }
}

/// One completion returned by a teacher.
public struct ChatResponse: Codable, Hashable, Sendable {
    /// The generated text of the assistant message.
    public var text: String
    /// Why generation stopped (`"stop"`, `"length"`, ...), when the teacher says.
    public var finishReason: String?
    /// Tokens used by this request.
    public var usage: TokenUsage
    /// Every completion when the request asked for several (`n`), in the server's order; the
    /// first is also `text` and `finishReason`. Empty when the teacher returned just one.
    public var choices: [ChatChoice] = []
    /// How long the teacher took to answer, in seconds, measured when it was asked (a
    /// replayed answer keeps the time it was recorded with); nil when nobody measured it.
    public var seconds: Double? = nil
    /// For a request with `candidates`: one score per candidate, in the request's order.
    public var candidateScores: [CandidateScore]? = nil

    /// The text of every completion: `choices`' texts, or just `text` when there is one.
    public var texts: [String] { choices.isEmpty ? [text] : choices.map(\.text) }

    /// Creates a response.
    public init(text: String, finishReason: String? = nil, usage: TokenUsage = TokenUsage()) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
    }
}

/// One of several completions of a request that asked for `n` of them.
public struct ChatChoice: Codable, Hashable, Sendable {
    /// The generated text.
    public var text: String
    /// Why generation stopped, when the teacher says.
    public var finishReason: String?

    /// Creates a choice.
    public init(text: String, finishReason: String? = nil) {
        self.text = text
        self.finishReason = finishReason
    }
}

/// Something that answers chat requests: a remote server, a local model, or a recording of either.
public protocol ChatTeacher: AnyObject {
    /// A short human-readable description, e.g. `"local smollm2-135m"` or `"http gpt-4o-mini"`.
    var summary: String { get }

    /// Answers every request, returning results in request order whatever order they finish in,
    /// and hands each result to `onResult` with its index as soon as it is final, so a caller can
    /// keep answers before the whole call ends (a recording then survives a crash mid-call).
    ///
    /// A failed request is a `.failure` in its slot; the others carry on. `progress` is called
    /// with (finished, total) as requests complete. When `isCancelled` turns true, requests
    /// not yet started end as failures and what finished is kept. A teacher that answers a whole
    /// call at once reports every result when it ends.
    func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool,
        onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) -> [Result<ChatResponse, Error>]

    /// Answers one request, calling `onToken` with each piece of text as it is generated.
    func stream(_ request: ChatRequest, onToken: (String) -> Void, isCancelled: () -> Bool) throws
        -> ChatResponse
}

extension ChatTeacher {
    /// Answers every request (see `complete(_:progress:isCancelled:onResult:)`), for a caller that
    /// needs the results only when the whole call ends.
    public func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool
    ) -> [Result<ChatResponse, Error>] {
        complete(requests, progress: progress, isCancelled: isCancelled, onResult: { _, _ in })
    }
}

extension ChatResponse {
    private enum CodingKeys: String, CodingKey {
        case text, finishReason, usage, choices, seconds, candidateScores
    }

    /// Decodes a response; `choices`, `seconds` and `candidateScores` may be absent (responses
    /// written before they existed, or not scoring).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            text: try container.decode(String.self, forKey: .text),
            finishReason: try container.decodeIfPresent(String.self, forKey: .finishReason),
            usage: try container.decodeIfPresent(TokenUsage.self, forKey: .usage) ?? TokenUsage())
        choices = try container.decodeIfPresent([ChatChoice].self, forKey: .choices) ?? []
        seconds = try container.decodeIfPresent(Double.self, forKey: .seconds)
        candidateScores = try container.decodeIfPresent([CandidateScore].self, forKey: .candidateScores)
    }
}
