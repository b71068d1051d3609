import Foundation

/// One prompt for the scheduler, and what to do with it: sample a reply, or score continuations.
struct LlamaBatchRequest {
    enum Work {
        /// Sample a reply with these options (`generate(batch:)`).
        case generate(GenerationOptions)
        /// Score each of these token continuations (`score(batch:)`).
        case score([[Int]])
    }

    let tokens: [Int]
    let work: Work
}

/// What the scheduler hands back for one request.
enum LlamaOutcome {
    case generated(GenerationResult)
    case scored(ScoringResult)
}

extension LlamaModel {
    /// One lane of `runBatch`: takes requests from `queue` `width` at a time (continuous
    /// batching): every step runs one token of each decoding sequence, the next chunk of each
    /// prompt still prefilling, and the continuations of each scored prompt that has finished,
    /// through one forward pass on `threads` threads, so the weights are read once for all of
    /// them. A sequence that ends leaves and the next waiting one joins.
    ///
    /// When `isCancelled` turns true, running generations end with `.cancelled`, running and
    /// waiting scored requests fail with `CancellationError`, and waiting generations end
    /// unstarted (`.cancelled` and empty).
    func runLane(
        _ queue: LlamaRequestQueue, width: Int, threads: Int, isCancelled: () -> Bool, onToken: (Int, String) -> Void,
        onResult: (Int, Result<LlamaOutcome, Error>) -> Void
    ) {
        var scheduler = LlamaScheduler(model: self, queue: queue, width: max(1, width))
        while !scheduler.isDone {
            if isCancelled() {
                scheduler.cancelAll(onToken: onToken, onResult: onResult)
                return
            }
            scheduler.admit(onResult: onResult)
            let segments = scheduler.segments()
            guard !segments.isEmpty else {
                // Nothing runs here until another lane's prompt reaches the prefix cache.
                usleep(100)
                continue
            }
            let logits: [[Float]]
            do {
                logits = try forward(segments, threads: threads)
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

/// The state of one lane of `runBatch`: who runs, and what each runs next (the requests not yet
/// started wait in the queue the lanes share).
private struct LlamaScheduler {
    /// A running sequence.
    struct Sequence {
        enum Work {
            case generating(LlamaDecodingState)
            case scoring(LlamaScoringState)
        }

        let index: Int
        let prompt: [Int]
        let cache: LlamaKVCache
        /// Prompt tokens already in `cache`.
        var prefilled: Int
        /// Prompt tokens that came from the prefix cache.
        let cached: Int
        /// The tokens the next step runs for it (a prompt chunk, or its last sampled token).
        var pending: [Int] = []
        var work: Work
        /// How many of the step's segments are its own (one, or one per continuation run).
        var segmentCount = 0
        let admitted: ContinuousClock.Instant
        var promptDone: ContinuousClock.Instant?
    }

    let model: LlamaModel
    let queue: LlamaRequestQueue
    let width: Int
    var active: [Sequence] = []
    let clock = ContinuousClock()

    init(model: LlamaModel, queue: LlamaRequestQueue, width: Int) {
        self.model = model
        self.queue = queue
        self.width = width
    }

    var isDone: Bool { queue.isEmpty && active.isEmpty }

    /// Throws what makes a request impossible to run: bad options, an empty or unknown token,
    /// or more positions than the context holds.
    static func validate(_ request: LlamaBatchRequest, model: LlamaModel) throws {
        let context = model.config.contextLength
        guard !request.tokens.isEmpty else { throw LlamaError.invalidConfiguration("the prompt is empty") }
        switch request.work {
        case .generate(let options):
            try options.validate()
            guard request.tokens.count < context else {
                throw LlamaError.promptTooLong(tokens: request.tokens.count, context: context)
            }
        case .score(let continuations):
            let longest = continuations.map(\.count).max() ?? 0
            guard request.tokens.count + longest <= context else {
                throw LlamaError.promptTooLong(tokens: request.tokens.count + longest, context: context)
            }
            for t in continuations.joined() where t < 0 || t >= model.config.vocabularySize { throw LlamaError.invalidToken(t) }
        }
        for t in request.tokens where t < 0 || t >= model.config.vocabularySize { throw LlamaError.invalidToken(t) }
    }

    /// Starts waiting sequences while there is room: each takes its longest cached prefix (at
    /// most all but the last prompt token, whose logits are needed). A request that shares a
    /// long part of a prompt some lane is computing waits until that prompt is in the cache
    /// (`LlamaRequestQueue.next`).
    mutating func admit(onResult: (Int, Result<LlamaOutcome, Error>) -> Void) {
        while active.count < width {
            let index: Int
            switch queue.next(prefixes: model.prefixes, validate: { try Self.validate($0, model: model) }) {
            case .empty, .wait: return
            case .failed(let failed, let error):
                onResult(failed, .failure(error))
                continue
            case .start(let started): index = started
            }
            let request = queue.requests[index]
            let (cache, cached) = model.prefixes.lookUp(
                request.tokens, limit: request.tokens.count - 1, empty: model.makeCache)
            let work: Sequence.Work
            switch request.work {
            case .generate(let options):
                cache.reserve(positions: min(model.config.contextLength, request.tokens.count + max(0, options.maxTokens)))
                var state = LlamaDecodingState(
                    prompt: request.tokens, options: options, tokenizer: model.tokenizer,
                    contextLength: model.config.contextLength)
                state.setCachedPromptTokens(cached)
                work = .generating(state)
            case .score(let continuations):
                // The prompt's cache never grows: each continuation runs on its own copy.
                cache.reserve(positions: request.tokens.count)
                work = .scoring(LlamaScoringState(continuations: continuations))
            }
            active.append(
                Sequence(
                    index: index, prompt: request.tokens, cache: cache, prefilled: cached, cached: cached, work: work,
                    admitted: clock.now))
        }
    }

    /// This step's segments: the next chunk of each prompt still running, one token of each
    /// decoding sequence, and the continuations of each scored prompt that is done.
    mutating func segments() -> [LlamaSegment] {
        var all: [LlamaSegment] = []
        for i in active.indices {
            let s = active[i]
            let own: [LlamaSegment]
            if s.promptDone == nil {
                let chunk = Array(s.prompt[s.prefilled..<min(s.prompt.count, s.prefilled + LlamaModel.promptChunk)])
                active[i].pending = chunk
                own = [LlamaSegment(tokens: chunk, cache: s.cache)]
            } else if case .scoring(let state) = s.work {
                own = state.segments(after: s.cache)
            } else {
                own = [LlamaSegment(tokens: s.pending, cache: s.cache)]
            }
            active[i].segmentCount = own.count
            all += own
        }
        return all
    }

    /// Takes each sequence's logits: a finished prompt goes into the prefix cache; a decoding
    /// sequence samples its next token, or ends and leaves (its prompt and reply cached); a
    /// scored prompt adds its continuations' log-probabilities, and leaves once they are all in.
    mutating func advance(
        _ logits: [[Float]], onToken: (Int, String) -> Void, onResult: (Int, Result<LlamaOutcome, Error>) -> Void
    ) {
        var ended: [Int] = []
        var first = 0
        for i in active.indices {
            let own = logits[first..<(first + active[i].segmentCount)]
            first += active[i].segmentCount
            let promptWasDone = active[i].promptDone != nil
            if !promptWasDone {
                active[i].prefilled += active[i].pending.count
                guard active[i].prefilled == active[i].prompt.count else { continue }
                active[i].promptDone = clock.now
            }
            // The prompt is in the prefix cache once this step's books are kept (below).
            defer { if !promptWasDone { queue.promptDone(active[i].index) } }
            switch active[i].work {
            case .generating(var state):
                if !promptWasDone {
                    model.prefixes.insert(active[i].prompt, active[i].cache.copy(prefix: active[i].prompt.count))
                }
                let index = active[i].index
                if let next = state.step(own.first!, tokenizer: model.tokenizer, onToken: { onToken(index, $0) }) {
                    active[i].pending = [next]
                } else {
                    ended.append(i)
                }
                active[i].work = .generating(state)
            case .scoring(var state):
                if promptWasDone {
                    state.takeContinuationLogits(own, vocabulary: model.config.vocabularySize)
                } else {
                    model.prefixes.insert(active[i].prompt, active[i].cache)
                    state.takePromptLogits(own.first!)
                }
                if state.isComplete { ended.append(i) }
                active[i].work = .scoring(state)
            }
        }
        for i in ended.reversed() {
            let sequence = active.remove(at: i)
            finish(sequence, cancelled: false, onToken: onToken, onResult: onResult)
        }
    }

    /// Ends every running sequence as cancelled, and the waiting ones unstarted.
    mutating func cancelAll(onToken: (Int, String) -> Void, onResult: (Int, Result<LlamaOutcome, Error>) -> Void) {
        for sequence in active {
            queue.promptDone(sequence.index)
            finish(sequence, cancelled: true, onToken: onToken, onResult: onResult)
        }
        active = []
        for index in queue.takeAll() {
            let request = queue.requests[index]
            switch request.work {
            case .generate:
                let result = GenerationResult(
                    text: "", tokens: [], promptTokens: request.tokens.count, finishReason: .cancelled, promptSeconds: 0,
                    generationSeconds: 0)
                onResult(index, .success(.generated(result)))
            case .score:
                onResult(index, .failure(CancellationError()))
            }
        }
    }

    /// Fails every running sequence with `error` (the waiting ones still run).
    mutating func failActive(_ error: Error, onResult: (Int, Result<LlamaOutcome, Error>) -> Void) {
        for sequence in active {
            queue.promptDone(sequence.index)
            onResult(sequence.index, .failure(error))
        }
        active = []
    }

    private func finish(
        _ sequence: Sequence, cancelled: Bool, onToken: (Int, String) -> Void,
        onResult: (Int, Result<LlamaOutcome, Error>) -> Void
    ) {
        let now = clock.now
        switch sequence.work {
        case .generating(var state):
            let promptEnd = sequence.promptDone ?? now
            state.setSeconds(prompt: (promptEnd - sequence.admitted).seconds, generation: (now - promptEnd).seconds)
            let result = state.finish(cancelled: cancelled, onToken: { onToken(sequence.index, $0) })
            if sequence.promptDone != nil { model.prefixes.insert(sequence.prompt + result.tokens, sequence.cache) }
            onResult(sequence.index, .success(.generated(result)))
        case .scoring(let state):
            if cancelled {
                onResult(sequence.index, .failure(CancellationError()))
                return
            }
            let result = ScoringResult(
                scores: state.scores, promptTokens: sequence.prompt.count, cachedPromptTokens: sequence.cached,
                seconds: (now - sequence.admitted).seconds)
            onResult(sequence.index, .success(.scored(result)))
        }
    }
}
