import Foundation

extension LlamaModel {
    /// How many lanes `runBatch` splits a job of `requests` requests into, each running `width`
    /// sequences at a time on one thread: one per thread when the job is big (a full batch for
    /// every thread), else one lane on all the threads (lanes of several threads would compete
    /// for the one worker pool). A width of 1 keeps one lane: the requests run one at a time, in
    /// order.
    ///
    /// Lanes are independent batches, each with its own forward passes on its own thread. On 2
    /// Zen 3 cores (`bench/bulk`), two lanes of 8 sequences on one thread each wrote notebook
    /// 02's chats about 1.25x as fast as one lane of 8 on both threads, which waits at the end
    /// of every product and while one thread samples (two lanes of 4 were no faster than one
    /// lane: a lane's step reads the whole model, and 4 tokens do not pay for it). A lane with
    /// few sequences reads the model for too few tokens, so small jobs keep one lane.
    static func laneCount(threads: Int, requests: Int, width: Int) -> Int {
        threads > 1 && width > 1 && requests >= threads * width ? threads : 1
    }

    /// Runs `requests` on `lanes` lanes (`laneCount` by default, at most the model's threads),
    /// `width` at a time in each (`runLane`): one lane on all the threads, or each lane on one
    /// thread. The lanes take the waiting requests in order from one queue and share the prefix
    /// cache. Every request's result is the same bits whatever the lanes (each forward pass is
    /// batch-invariant and gives the same bits on any number of threads); only the order in
    /// which results arrive changes. `onToken`, `onResult` and `isCancelled` are called one at a
    /// time, from the lanes' threads. The caller holds the lock and has set the activation format.
    func runBatch(
        _ requests: [LlamaBatchRequest], width: Int, lanes: Int? = nil, isCancelled: () -> Bool,
        onToken: (Int, String) -> Void, onResult: (Int, Result<LlamaOutcome, Error>) -> Void
    ) {
        let queue = LlamaRequestQueue(requests)
        let lanes = max(1, min(lanes ?? Self.laneCount(threads: threads, requests: requests.count, width: width), threads))
        let threadsPerLane = lanes > 1 ? 1 : max(1, threads)
        guard lanes > 1 else {
            return runLane(
                queue, width: width, threads: threadsPerLane, isCancelled: isCancelled, onToken: onToken,
                onResult: onResult)
        }
        withoutActuallyEscaping(isCancelled) { isCancelled in
            withoutActuallyEscaping(onToken) { onToken in
                withoutActuallyEscaping(onResult) { onResult in
                    let calls = LaneCallbacks(isCancelled: isCancelled, onToken: onToken, onResult: onResult)
                    let finished = DispatchSemaphore(value: 0)
                    for _ in 1..<lanes {
                        let thread = Thread {
                            self.runLane(calls, queue: queue, width: width, threads: threadsPerLane)
                            finished.signal()
                        }
                        thread.stackSize = 8 << 20
                        thread.start()
                    }
                    runLane(calls, queue: queue, width: width, threads: threadsPerLane)
                    for _ in 1..<lanes { finished.wait() }
                    // The threads may outlive this call, holding `calls`, but not the callbacks.
                    calls.release()
                }
            }
        }
    }

    private func runLane(_ calls: LaneCallbacks, queue: LlamaRequestQueue, width: Int, threads: Int) {
        runLane(
            queue, width: width, threads: threads, isCancelled: calls.isCancelled, onToken: calls.onToken,
            onResult: calls.onResult)
    }
}

/// The caller's callbacks, called by several lanes one at a time, until `release`.
private final class LaneCallbacks: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled: () -> Bool
    private var token: (Int, String) -> Void
    private var result: (Int, Result<LlamaOutcome, Error>) -> Void

    init(
        isCancelled: @escaping () -> Bool, onToken: @escaping (Int, String) -> Void,
        onResult: @escaping (Int, Result<LlamaOutcome, Error>) -> Void
    ) {
        cancelled = isCancelled
        token = onToken
        result = onResult
    }

    /// Drops the callbacks (every lane has ended).
    func release() {
        lock.withLock {
            cancelled = { true }
            token = { _, _ in }
            result = { _, _ in }
        }
    }

    func isCancelled() -> Bool { lock.withLock { cancelled() } }
    func onToken(_ index: Int, _ text: String) { lock.withLock { token(index, text) } }
    func onResult(_ index: Int, _ outcome: Result<LlamaOutcome, Error>) { lock.withLock { result(index, outcome) } }
}

/// The requests of one `runBatch` call that no lane has started, in order, and the long
/// uncached prompts the lanes are computing, so that a request sharing a long part of one
/// waits for it to reach the prefix cache instead of computing that part again.
final class LlamaRequestQueue: @unchecked Sendable {
    /// What `next` decided for the first waiting request.
    enum Admission {
        /// Start request `index`.
        case start(Int)
        /// Request `index` cannot run; it has left the queue.
        case failed(Int, Error)
        /// The first request shares a prompt still being computed: try again after a step.
        case wait
        /// No request is waiting.
        case empty
    }

    let requests: [LlamaBatchRequest]
    private var first = 0
    /// Requests started with more than `LlamaModel.coldPrompt` uncached prompt tokens, until
    /// their prompt is done.
    private var coldPrompts: [Int: [Int]] = [:]
    private let lock = NSLock()

    init(_ requests: [LlamaBatchRequest]) { self.requests = requests }

    /// Whether every request has been started (or failed, or cancelled).
    var isEmpty: Bool { lock.withLock { first == requests.count } }

    /// Takes the first waiting request unless it must wait: when a long uncached prompt that
    /// some lane is computing shares more than `LlamaModel.coldPrompt` tokens with it beyond
    /// what the prefix cache holds. A request that `validate` rejects leaves as `.failed`.
    func next(prefixes: LlamaPrefixCache, validate: (LlamaBatchRequest) throws -> Void) -> Admission {
        lock.lock()
        defer { lock.unlock() }
        guard first < requests.count else { return .empty }
        let index = first, tokens = requests[index].tokens
        do {
            try validate(requests[index])
        } catch {
            first += 1
            return .failed(index, error)
        }
        let shared = prefixes.sharedLength(tokens, limit: tokens.count - 1)
        for prompt in coldPrompts.values {
            let common = min(prompt.sharedPrefixCount(with: tokens), tokens.count - 1)
            if common - shared > LlamaModel.coldPrompt { return .wait }
        }
        first += 1
        if tokens.count - shared > LlamaModel.coldPrompt { coldPrompts[index] = tokens }
        return .start(index)
    }

    /// Request `index`'s prompt is done (in the prefix cache), or it left without finishing it.
    func promptDone(_ index: Int) { _ = lock.withLock { coldPrompts.removeValue(forKey: index) } }

    /// Takes every waiting request (to cancel them).
    func takeAll() -> Range<Int> {
        lock.withLock {
            defer { first = requests.count }
            return first..<requests.count
        }
    }
}
