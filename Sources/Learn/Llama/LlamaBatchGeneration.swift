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
    /// all of them. A sequence that ends leaves and the next waiting one joins. A big job runs
    /// on several such batches at once, one per thread (`lanes`, default
    /// `laneCount(threads:requests:width:)`).
    ///
    /// Each prompt takes its longest cached prefix from the prefix cache, and leaves its prompt
    /// and reply there. A reply is the same as `generate(tokens:)` gives it alone, whatever
    /// `width`, the lanes, the other prompts or the cache held (the forward pass is
    /// batch-invariant and each sequence samples with its own options and seed). `onResult`
    /// gets each reply as it ends, with the request's index; `onToken` its text as it streams
    /// (with several lanes, from their threads, one call at a time). When `isCancelled`
    /// turns true, the running sequences end with `.cancelled` and the waiting ones are not
    /// started (their results are `.cancelled` and empty).
    ///
    /// ```swift
    /// let prompts = ["Hi", "Hello"].map { GenerationRequest(tokens: model.promptTokens($0), options: .init(maxTokens: 8)) }
    /// model.generate(batch: prompts, width: 8) { index, result in print(index, try! result.get().text) }
    /// ```
    public func generate(
        batch requests: [GenerationRequest], width: Int, lanes: Int? = nil, isCancelled: () -> Bool = { false },
        onToken: (Int, String) -> Void = { _, _ in }, onResult: (Int, Result<GenerationResult, Error>) -> Void
    ) {
        lock.lock()
        defer { lock.unlock() }
        runBatch(
            requests.map { LlamaBatchRequest(tokens: $0.tokens, work: .generate($0.options)) }, width: width,
            lanes: lanes, isCancelled: isCancelled, onToken: onToken,
            onResult: { index, outcome in
                onResult(
                    index,
                    outcome.flatMap {
                        guard case .generated(let result) = $0 else { preconditionFailure("a generation was scored") }
                        return .success(result)
                    })
            })
    }
}
