import Chat
import Foundation
import Teacher

/// The body of `POST /chat/completions`, in the API's snake_case spelling.
struct WireChatRequest: Encodable {
    struct StreamOptions: Encodable {
        var includeUsage = true
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    var model: String
    var messages: [ChatMessage]
    var temperature: Double?
    var topP: Double?
    var maxTokens: Int?
    var seed: Int?
    var stop: [String]?
    var n: Int?
    var responseFormat: ResponseFormat?
    var stream: Bool?
    var streamOptions: StreamOptions?
    var logprobs: Bool?
    var topLogprobs: Int?

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, seed, stop, n, stream, logprobs
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case responseFormat = "response_format"
        case streamOptions = "stream_options"
        case topLogprobs = "top_logprobs"
    }

    init(_ request: ChatRequest, stream: Bool) {
        model = request.model
        messages = request.messages
        temperature = request.temperature
        topP = request.topP
        maxTokens = request.maxTokens
        seed = request.seed
        stop = request.stop.isEmpty ? nil : request.stop
        n = request.n
        responseFormat = request.responseFormat
        self.stream = stream ? true : nil
        streamOptions = stream ? StreamOptions() : nil
        if request.candidates != nil {
            // Scoring: one token, and the most likely first tokens with their log-probabilities
            // (20 is the most OpenAI returns).
            logprobs = true
            topLogprobs = 20
            maxTokens = 1
        }
    }
}

/// The `usage` block of a response.
struct WireUsage: Decodable {
    /// `prompt_tokens_details`: how many prompt tokens the server took from its cache.
    struct PromptDetails: Decodable {
        var cachedTokens: Int?

        enum CodingKeys: String, CodingKey {
            case cachedTokens = "cached_tokens"
        }
    }

    var promptTokens: Int?
    var completionTokens: Int?
    var promptTokensDetails: PromptDetails?

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case promptTokensDetails = "prompt_tokens_details"
    }

    var tokenUsage: TokenUsage {
        TokenUsage(
            promptTokens: promptTokens ?? 0, completionTokens: completionTokens ?? 0,
            cachedPromptTokens: max(0, min(promptTokens ?? 0, promptTokensDetails?.cachedTokens ?? 0)))
    }
}

/// A whole (non-streamed) chat completion.
struct WireChatResponse: Decodable {
    struct Message: Decodable {
        var content: String?
    }

    struct Choice: Decodable {
        var index: Int?
        var message: Message?
        var finishReason: String?
        var logprobs: WireLogprobs?

        enum CodingKeys: String, CodingKey {
            case index, message, logprobs
            case finishReason = "finish_reason"
        }
    }

    var choices: [Choice]
    var usage: WireUsage?
}

/// A choice's `logprobs`: per generated token, its log-probability and the most likely
/// alternatives (`top_logprobs`).
struct WireLogprobs: Decodable {
    struct Alternative: Decodable {
        var token: String
        var logprob: Double
    }

    struct Token: Decodable {
        var token: String
        var logprob: Double
        var topLogprobs: [Alternative]?

        enum CodingKeys: String, CodingKey {
            case token, logprob
            case topLogprobs = "top_logprobs"
        }
    }

    var content: [Token]?
}

/// One chunk of a streamed chat completion (or an error payload inside the stream).
struct WireChatChunk: Decodable {
    struct Delta: Decodable {
        var content: String?
    }

    struct Choice: Decodable {
        var index: Int?
        var delta: Delta?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case index, delta
            case finishReason = "finish_reason"
        }
    }

    var choices: [Choice]?
    var usage: WireUsage?
    var error: WireError?
}

/// An error object, `{"message": ..., "type": ..., "code": ...}`; servers differ on the details.
struct WireError: Decodable {
    var message: String?
    var type: String?

    init(from decoder: Decoder) throws {
        // Some servers send `"error": "text"` instead of an object.
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            message = text
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message = try? container.decode(String.self, forKey: .message)
        type = try? container.decode(String.self, forKey: .type)
    }

    enum CodingKeys: String, CodingKey { case message, type }
}

/// The body of an error response: `{"error": {...}}`, or a bare `{"message": ...}` (vLLM).
struct WireErrorBody: Decodable {
    var error: WireError?
    var message: String?
}

extension ChatResponse {
    /// Builds a response from the wire form; the first choice is `text`.
    init(wire: WireChatResponse) throws {
        let choices = wire.choices.sorted { ($0.index ?? 0) < ($1.index ?? 0) }
        guard let first = choices.first else {
            throw TeacherError(.decoding, "the response has no choices")
        }
        self.init(
            text: first.message?.content ?? "", finishReason: first.finishReason,
            usage: wire.usage?.tokenUsage ?? TokenUsage())
        if choices.count > 1 {
            self.choices = choices.map { ChatChoice(text: $0.message?.content ?? "", finishReason: $0.finishReason) }
        }
    }
}
