import Foundation

/// One prompt of a batch for `LlamaModel.generate(batch:width:)`.
public struct GenerationRequest: Sendable {
    /// The tokenised prompt (`LlamaModel.promptTokens`).
    public var tokens: [Int]
    /// How to sample its reply.
    public var options: GenerationOptions

    /// Creates a request.
    public init(tokens: [Int], options: GenerationOptions) {
        self.tokens = tokens
        self.options = options
    }
}

extension LlamaModel {
    /// Prompt tokens of one sequence run in one forward pass (longer prompts take several).
    static let promptChunk = 256
    /// A sequence with more uncached prompt tokens than this joins a step alone among such
    /// sequences, so that the ones after it can take its prompt from the prefix cache.
    static let coldPrompt = 64

    /// Generates replies to many prompts at once, `width` sequences at a time (continuous
    /// batching): every step runs one token of each decoding sequence, and the uncached prompt
    /// part of each joining one, through one forward pass, so the weights are read once for
    /// all of them. A sequence that ends leaves and the next waiting one joins.
    ///
    /// Each prompt takes its longest cached prefix from the prefix cache, and leaves its prompt
    /// and reply there. A reply is the same as `generate(tokens:)` gives it alone, whatever
    /// `width`, the other prompts or the cache held (the forward pass is batch-invariant and
    /// each sequence samples with its own options and seed). `onResult` gets each reply as it
    /// ends, with the request's index; `onToken` its text as it streams. When `isCancelled`
    /// turns true, the running sequences end with `.cancelled` and the waiting ones are not
    /// started (their results are `.cancelled` and empty).
    ///
    /// ```swift
    /// let prompts = ["Hi", "Hello"].map { GenerationRequest(tokens: model.promptTokens($0), options: .init(maxTokens: 8)) }
    /// model.generate(batch: prompts, width: 8) { index, result in print(index, try! result.get().text) }
    /// ```
    public func generate(
        batch requests: [GenerationRequest], width: Int, isCancelled: () -> Bool = { false },
        onToken: (Int, String) -> Void = { _, _ in }, onResult: (Int, Result<GenerationResult, Error>) -> Void
    ) {
        lock.lock()
        defer { lock.unlock() }
        var scheduler = LlamaScheduler(model: self, requests: requests, width: max(1, width))
        while !scheduler.isDone {
            if isCancelled() {
                scheduler.cancelAll(onToken: onToken, onResult: onResult)
                return
            }
            scheduler.admit(onResult: onResult)
            let segments = scheduler.segments()
            guard !segments.isEmpty else { continue }
            let logits: [[Float]]
            do {
                logits = try forward(segments)
            } catch {
                scheduler.failActive(error, onResult: onResult)
                continue
            }
            if isCancelled() {
                scheduler.cancelAll(onToken: onToken, onResult: onResult)
                return
            }
            scheduler.advance(logits, onToken: onToken, onResult: onResult)
        }
    }
}

/// The state of `generate(batch:)`: who waits, who runs, and what each runs next.
private struct LlamaScheduler {
    /// A running sequence.
    struct Sequence {
        let index: Int
        let prompt: [Int]
        let cache: LlamaKVCache
        /// Prompt tokens already in `cache`.
        var prefilled: Int
        /// The tokens the next step runs for it.
        var pending: [Int] = []
        var state: LlamaDecodingState
        let admitted: ContinuousClock.Instant
        var promptDone: ContinuousClock.Instant?
    }

    let model: LlamaModel
    let requests: [GenerationRequest]
    let width: Int
    var waiting: ArraySlice<Int>
    var active: [Sequence] = []
    let clock = ContinuousClock()

    init(model: LlamaModel, requests: [GenerationRequest], width: Int) {
        self.model = model
        self.requests = requests
        self.width = width
        waiting = Array(requests.indices)[...]
    }

    var isDone: Bool { waiting.isEmpty && active.isEmpty }

    /// Starts waiting sequences while there is room: each takes its longest cached prefix (at
    /// most all but the last prompt token, whose logits are needed). At most one sequence with
    /// a long uncached prompt joins per step, so that those after it find it in the cache.
    mutating func admit(onResult: (Int, Result<GenerationResult, Error>) -> Void) {
        var coldJoined = false
        while active.count < width, let index = waiting.first {
            let request = requests[index]
            do {
                try request.options.validate()
                guard !request.tokens.isEmpty else { throw LlamaError.invalidConfiguration("the prompt is empty") }
                guard request.tokens.count < model.config.contextLength else {
                    throw LlamaError.promptTooLong(tokens: request.tokens.count, context: model.config.contextLength)
                }
                for t in request.tokens where t < 0 || t >= model.config.vocabularySize { throw LlamaError.invalidToken(t) }
            } catch {
                waiting.removeFirst()
                onResult(index, .failure(error))
                continue
            }
            let shared = model.prefixes.sharedLength(request.tokens, limit: request.tokens.count - 1)
            let cold = request.tokens.count - shared > LlamaModel.coldPrompt
            if cold && coldJoined { break }
            coldJoined = coldJoined || cold
            waiting.removeFirst()
            let (cache, cached) = model.prefixes.lookUp(
                request.tokens, limit: request.tokens.count - 1, empty: model.makeCache)
            cache.reserve(positions: min(model.config.contextLength, request.tokens.count + max(0, request.options.maxTokens)))
            var state = LlamaDecodingState(
                prompt: request.tokens, options: request.options, tokenizer: model.tokenizer,
                contextLength: model.config.contextLength)
            state.setCachedPromptTokens(cached)
            active.append(
                Sequence(index: index, prompt: request.tokens, cache: cache, prefilled: cached, state: state, admitted: clock.now)
            )
        }
    }

    /// This step's segments: the next chunk of each prompt still running, one token of each
    /// decoding sequence.
    mutating func segments() -> [LlamaSegment] {
        for i in active.indices where active[i].promptDone == nil {
            let s = active[i]
            active[i].pending = Array(s.prompt[s.prefilled..<min(s.prompt.count, s.prefilled + LlamaModel.promptChunk)])
        }
        return active.map { LlamaSegment(tokens: $0.pending, cache: $0.cache) }
    }

    /// Takes each sequence's logits: a finished prompt goes into the prefix cache; a decoding
    /// sequence samples its next token, or ends and leaves (its prompt and reply cached).
    mutating func advance(
        _ logits: [[Float]], onToken: (Int, String) -> Void, onResult: (Int, Result<GenerationResult, Error>) -> Void
    ) {
        var ended: [Int] = []
        for i in active.indices {
            if active[i].promptDone == nil {
                active[i].prefilled += active[i].pending.count
                guard active[i].prefilled == active[i].prompt.count else { continue }
                active[i].promptDone = clock.now
                model.prefixes.insert(active[i].prompt, active[i].cache.copy(prefix: active[i].prompt.count))
            }
            let index = active[i].index
            if let next = active[i].state.step(logits[i], tokenizer: model.tokenizer, onToken: { onToken(index, $0) }) {
                active[i].pending = [next]
            } else {
                ended.append(i)
            }
        }
        for i in ended.reversed() {
            let sequence = active.remove(at: i)
            finish(sequence, cancelled: false, onToken: onToken, onResult: onResult)
        }
    }

    /// Ends every running sequence as cancelled, and the waiting ones unstarted.
    mutating func cancelAll(onToken: (Int, String) -> Void, onResult: (Int, Result<GenerationResult, Error>) -> Void) {
        for sequence in active { finish(sequence, cancelled: true, onToken: onToken, onResult: onResult) }
        active = []
        for index in waiting {
            let request = requests[index]
            let result = GenerationResult(
                text: "", tokens: [], promptTokens: request.tokens.count, finishReason: .cancelled, promptSeconds: 0,
                generationSeconds: 0)
            onResult(index, .success(result))
        }
        waiting = []
    }

    /// Fails every running sequence with `error` (the waiting ones still run).
    mutating func failActive(_ error: Error, onResult: (Int, Result<GenerationResult, Error>) -> Void) {
        for sequence in active { onResult(sequence.index, .failure(error)) }
        active = []
    }

    private func finish(
        _ sequence: Sequence, cancelled: Bool, onToken: (Int, String) -> Void,
        onResult: (Int, Result<GenerationResult, Error>) -> Void
    ) {
        var state = sequence.state
        let now = clock.now
        let promptEnd = sequence.promptDone ?? now
        state.setSeconds(prompt: (promptEnd - sequence.admitted).seconds, generation: (now - promptEnd).seconds)
        let result = state.finish(cancelled: cancelled, onToken: { onToken(sequence.index, $0) })
        if sequence.promptDone != nil { model.prefixes.insert(sequence.prompt + result.tokens, sequence.cache) }
        onResult(sequence.index, .success(result))
    }
}
