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
/// The model is loaded once, on the first request. The requests of one `complete` call are
/// generated (or, with `candidates`, scored) `batch` at a time in one forward pass per token
/// (continuous batching), and every prompt takes the longest prefix it shares with earlier
/// prompts and replies (the same system message and shots, an earlier turn of a chat) from the
/// model's prefix cache; a generation's `usage` counts those tokens as `cachedPromptTokens`. Neither changes an answer: each is the same bits as
/// the request run alone. Unset sampling fields take llama.cpp server's defaults: temperature
/// 0.8, top-k 40, top-p 0.95, 256 tokens at most, a fresh random seed.
public final class LocalTeacher: ChatTeacher, PromptTokenCounting {
    /// The GGUF file the teacher runs.
    public let modelPath: String
    /// The model's short name, e.g. `smollm2-135m`.
    public let modelName: String
    private var loaded: LlamaModel?
    private let lock = NSLock()

    /// How many sequences `complete` generates together by default, chosen by measurement
    /// (`bench/bulk/widths.sh`, 2 Zen 3 cores, SmolLM2-135M): labelling and notebook 02's chats
    /// ran fastest at 4 and 8 (within noise of each other), slower at 1, 2 and 16; since a big
    /// call runs one batch per thread, 8 per lane wrote the chats about 1.25x as fast as 4.
    public static let defaultBatch = 8
    /// How many sequences `complete` generates together in one forward pass
    /// (`teacher("local", batch: N)`); a big call runs one such batch per thread
    /// (`LlamaModel.generate(batch:width:lanes:)`), and a batch of 1 answers one request at a time.
    public var batch: Int {
        get { lock.withLock { batchWidth } }
        set { lock.withLock { batchWidth = max(1, newValue) } }
    }
    private var batchWidth = LocalTeacher.defaultBatch

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

    /// Answers the requests, `batch` at a time, handing each result to `onResult` as it is done
    /// (not necessarily in order). Scored requests (`candidates`) run first, in batches of their
    /// own (they use Float activations, generations 8-bit ones).
    public func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool,
        onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) -> [Result<ChatResponse, Error>] {
        var results = [Result<ChatResponse, Error>?](repeating: nil, count: requests.count)
        var done = 0
        func settle(_ index: Int, _ result: Result<ChatResponse, Error>) {
            results[index] = result
            done += 1
            onResult(index, result)
            progress?(done, requests.count)
        }
        var generations: [(index: Int, request: GenerationRequest)] = []
        var scored: [Int] = []
        for (index, request) in requests.enumerated() {
            do {
                try Self.checkSupported(request)
                if request.candidates != nil {
                    scored.append(index)
                    continue
                }
                let model = try model()
                var options = Self.options(for: request)
                let template = try model.chatTemplate.get()
                options.stop += template.endOfTurn
                generations.append(
                    (index, GenerationRequest(tokens: model.promptTokens(template.render(request.messages)), options: options)))
            } catch {
                settle(index, .failure(error))
            }
        }
        if !scored.isEmpty { score(scored, of: requests, isCancelled: isCancelled, settle: settle) }
        if !generations.isEmpty, let model = try? model() {
            // A reply's seconds run from when its sequence joined the batch to when it ended.
            model.generate(
                batch: generations.map(\.request), width: batch, isCancelled: isCancelled,
                onResult: { slot, result in
                    settle(
                        generations[slot].index,
                        result.flatMap { Self.response($0, seconds: $0.promptSeconds + $0.generationSeconds) })
                })
        }
        return results.map { $0 ?? .failure(LocalTeacherError.cancelled) }
    }

    /// Scores the requests at `indices` (all with `candidates`) `batch` prompts at a time.
    private func score(
        _ indices: [Int], of requests: [ChatRequest], isCancelled: () -> Bool,
        settle: (Int, Result<ChatResponse, Error>) -> Void
    ) {
        var batch: [(index: Int, request: ScoringRequest)] = []
        let model: LlamaModel
        do {
            model = try self.model()
        } catch {
            for index in indices { settle(index, .failure(error)) }
            return
        }
        for index in indices {
            do {
                batch.append(
                    (
                        index,
                        try model.scoringRequest(messages: requests[index].messages, replies: requests[index].candidates ?? [])
                    ))
            } catch {
                settle(index, .failure(error))
            }
        }
        model.score(
            batch: batch.map(\.request), width: self.batch, isCancelled: isCancelled,
            onResult: { slot, result in
                settle(
                    batch[slot].index,
                    result.map(Self.response).mapError { $0 is CancellationError ? LocalTeacherError.cancelled : $0 })
            })
    }

    /// The chat response of scored candidates: their log-probabilities, as prompt tokens the
    /// prompt's and every candidate's, and as cached ones those of the prompt that came from the
    /// prefix cache.
    private static func response(_ result: ScoringResult) -> ChatResponse {
        var response = ChatResponse(
            text: "", finishReason: "scored",
            usage: TokenUsage(
                promptTokens: result.promptTokens + result.scores.reduce(0) { $0 + $1.tokens }, completionTokens: 0,
                cachedPromptTokens: result.cachedPromptTokens))
        response.candidateScores = result.scores.map { CandidateScore(logprob: $0.logprob, tokens: $0.tokens) }
        response.seconds = result.seconds
        return response
    }

    /// The chat response of a generation (a cancelled one fails).
    private static func response(_ result: GenerationResult, seconds: Double) -> Result<ChatResponse, Error> {
        if result.finishReason == .cancelled { return .failure(LocalTeacherError.cancelled) }
        var response = ChatResponse(
            text: result.text, finishReason: result.finishReason.rawValue,
            usage: TokenUsage(
                promptTokens: result.promptTokens, completionTokens: result.tokens.count,
                cachedPromptTokens: result.cachedPromptTokens))
        response.seconds = seconds
        return .success(response)
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
        return try Self.response(result, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9).get()
    }

    /// Scores candidate replies: the prompt runs once, each candidate from its cache.
    private func score(
        _ candidates: [String], after turns: [ChatMessage], model: LlamaModel, started: UInt64, isCancelled: () -> Bool
    ) throws -> ChatResponse {
        let request = try model.scoringRequest(messages: turns, replies: candidates)
        var outcome: Result<ScoringResult, Error> = .failure(LocalTeacherError.cancelled)
        model.score(batch: [request], width: 1, isCancelled: isCancelled, onResult: { _, result in outcome = result })
        do {
            var response = Self.response(try outcome.get())
            response.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            return response
        } catch is CancellationError {
            throw LocalTeacherError.cancelled
        }
    }
}
