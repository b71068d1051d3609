import Chat
import Foundation
import Learn
import Teacher

/// Errors of the in-process teacher.
public enum LocalTeacherError: Error, CustomStringConvertible, Equatable {
    /// `isCancelled` turned true before or during the request.
    case cancelled
    /// The request asks for what the in-process model does not do (several samples in one
    /// request, a response format); it is refused rather than quietly answered otherwise.
    case unsupported(String)

    public var description: String {
        switch self {
        case .cancelled: "the request was cancelled"
        case .unsupported(let what): what
        }
    }
}

/// A teacher that runs a GGUF instruct model in-process (by default SmolLM2-135M-Instruct), with
/// the same interface as the HTTP client, so `generate`, `evaluate` and `chat` cannot tell them apart.
///
/// ```swift
/// let teacher = LocalTeacher()                       // nothing is loaded yet
/// let reply = try teacher.stream(
///     ChatRequest(model: "smollm2-135m", messages: [ChatMessage(role: "user", content: "Hi")], maxTokens: 40),
///     onToken: { print($0, terminator: "") }, isCancelled: { false })
/// reply.usage                                        // prompt and completion token counts
/// ```
///
/// The model is loaded once, on the first request. Requests run one after another; a request
/// sharing a prefix with the previous one (the same system prompt and shots) reuses its cache.
/// Unset sampling fields take llama.cpp server's defaults: temperature 0.8, top-k 40, top-p 0.95,
/// 256 tokens at most, a fresh random seed.
public final class LocalTeacher: ChatTeacher, PromptTokenCounting {
    /// The GGUF file the teacher runs.
    public let modelPath: String
    /// The model's short name, e.g. `smollm2-135m`.
    public let modelName: String
    private var loaded: LlamaModel?
    private let lock = NSLock()

    /// Creates a teacher for the model at `modelPath` (loaded lazily).
    public init(modelPath: String = LlamaModel.defaultModelPath, modelName: String = "smollm2-135m") {
        self.modelPath = modelPath
        self.modelName = modelName
    }

    /// Creates a teacher around an already loaded model.
    public init(model: LlamaModel, modelName: String) {
        self.modelPath = ""
        self.modelName = modelName
        self.loaded = model
    }

    public var summary: String { "local \(modelName)" }

    /// The model, loaded on first use (a missing file names the set-up command).
    public func model() throws -> LlamaModel {
        lock.lock()
        defer { lock.unlock() }
        if let loaded { return loaded }
        let model = try LlamaModel(path: modelPath)
        loaded = model
        return model
    }

    /// Refuses what the in-process model would otherwise ignore: `n` above 1 (it writes one
    /// answer a request) and `responseFormat` (it cannot hold a reply to a JSON schema).
    static func checkSupported(_ request: ChatRequest) throws {
        if let n = request.n, n > 1 {
            throw LocalTeacherError.unsupported(
                "the local teacher writes one answer a request, but n: \(n) was asked; send \(n) requests instead")
        }
        if let format = request.responseFormat, format != .text {
            throw LocalTeacherError.unsupported(
                "the local teacher cannot hold its reply to a response format (JSON mode or a schema); "
                    + "ask for plain text and parse it, or use a server that supports response_format")
        }
    }

    /// The generation options a request asks for.
    public static func options(for request: ChatRequest) -> GenerationOptions {
        var options = GenerationOptions.llamaCppDefaults
        if let t = request.temperature { options.temperature = Float(t) }
        if let p = request.topP { options.topP = Float(p) }
        if let n = request.maxTokens { options.maxTokens = max(0, n) }
        options.seed = request.seed.map { UInt64(bitPattern: Int64($0)) }
        options.stop = request.stop
        return options
    }

    /// Answers the requests one after another, handing each result to `onResult` as it is done.
    public func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool,
        onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) -> [Result<ChatResponse, Error>] {
        var results: [Result<ChatResponse, Error>] = []
        for request in requests {
            if isCancelled() {
                results.append(.failure(LocalTeacherError.cancelled))
            } else {
                results.append(Result { try stream(request, onToken: { _ in }, isCancelled: isCancelled) })
            }
            onResult(results.count - 1, results[results.count - 1])
            progress?(results.count, requests.count)
        }
        return results
    }

    /// The prompt's tokens exactly as a request will send them: the messages in the model's
    /// chat template, tokenised by its BPE tokenizer (loads the model on first use).
    public func promptTokens(of request: ChatRequest) throws -> Int {
        let model = try model()
        let turns = request.messages
        return model.promptTokens(try model.chatTemplate.get().render(turns)).count
    }

    public func stream(_ request: ChatRequest, onToken: (String) -> Void, isCancelled: () -> Bool) throws
        -> ChatResponse
    {
        try Self.checkSupported(request)
        let model = try model()
        let started = DispatchTime.now().uptimeNanoseconds
        let turns = request.messages
        if let candidates = request.candidates {
            return try score(candidates, after: turns, model: model, started: started, isCancelled: isCancelled)
        }
        let result = try model.generate(
            messages: turns, options: Self.options(for: request), isCancelled: isCancelled, onToken: onToken)
        if result.finishReason == .cancelled { throw LocalTeacherError.cancelled }
        var response = ChatResponse(
            text: result.text, finishReason: result.finishReason.rawValue,
            usage: TokenUsage(promptTokens: result.promptTokens, completionTokens: result.tokens.count))
        response.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return response
    }

    /// Scores candidate replies: the prompt runs once, each candidate from its cache.
    private func score(
        _ candidates: [String], after turns: [ChatMessage], model: LlamaModel, started: UInt64, isCancelled: () -> Bool
    ) throws -> ChatResponse {
        let scores: (promptTokens: Int, replies: [ContinuationScore])
        do {
            scores = try model.scoreReplies(messages: turns, replies: candidates, isCancelled: isCancelled)
        } catch is CancellationError {
            throw LocalTeacherError.cancelled
        }
        var response = ChatResponse(
            text: "", finishReason: "scored",
            usage: TokenUsage(
                promptTokens: scores.promptTokens + scores.replies.reduce(0) { $0 + $1.tokens }, completionTokens: 0))
        response.candidateScores = scores.replies.map { CandidateScore(logprob: $0.logprob, tokens: $0.tokens) }
        response.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return response
    }
}
