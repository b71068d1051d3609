/// What the last call through a `MeteredTeacher` did with its budget.
public struct MeteredCall: Hashable, Sendable {
    /// Requests in the call.
    public var requests = 0
    /// The estimate made before it started (only when a budget was set).
    public var estimate: UsageEstimate?
    /// Tokens the answers used.
    public var spent = TokenUsage()
    /// Their cost, when the teacher's price is known.
    public var cost: Double?
    /// The budget refused the whole call: nothing was sent.
    public var refused = false
    /// Requests never answered because the budget was reached mid-call.
    public var stoppedByBudget = 0

    /// Creates an empty record.
    public init() {}
}

/// Wraps a teacher to charge every answer's usage to a `UsageMeter` and hold each call to a budget.
///
/// Place it inside a `RecordingTeacher` so that replayed answers cost nothing and the budget
/// covers only what is really sent:
/// `RecordingTeacher(wrapping: MeteredTeacher(wrapping: http, meter: meter, price: price), store: store)`.
public final class MeteredTeacher: ChatTeacher {
    /// The teacher that does the work.
    public let inner: ChatTeacher
    /// Where usage is charged.
    public let meter: UsageMeter
    /// What this teacher's tokens cost; nil looks the model up in the meter's price table.
    public var price: ModelPrice?
    /// The limits on each call, or nil for none; may be changed between calls.
    public var budget: TeacherBudget?
    /// How a call is estimated before it starts: prompts counted by `inner` when it can count them.
    public var estimator: UsageEstimator
    /// What the last call spent, and whether its budget refused or stopped it.
    public private(set) var lastCall = MeteredCall()

    /// Wraps `inner`; `history` (the recording) lets estimates use the lengths of earlier answers.
    public init(
        wrapping inner: ChatTeacher, meter: UsageMeter, price: ModelPrice? = nil, budget: TeacherBudget? = nil,
        history: RecordingStore? = nil
    ) {
        self.inner = inner
        self.meter = meter
        self.price = price
        self.budget = budget
        self.estimator = UsageEstimator(counter: inner as? PromptTokenCounting, history: history)
    }

    /// The wrapped teacher's summary.
    public var summary: String { inner.summary }

    /// The price of `model`'s tokens: this teacher's own, else the meter's table's.
    public func price(for model: String) -> ModelPrice? {
        price ?? meter.prices?.prices[model]
    }

    /// What sending `requests` is expected to use and cost, before anything is sent;
    /// `usingRecordedAnswers: false` leaves completions at `maxTokens` (an upper bound) even
    /// when earlier recorded answers could predict them.
    public func estimate(_ requests: [ChatRequest], usingRecordedAnswers: Bool = true) -> UsageEstimate {
        var estimator = estimator
        if !usingRecordedAnswers { estimator.history = nil }
        return estimator.estimate(requests, price: requests.first.flatMap { price(for: $0.model) })
    }

    /// The budget's refusal of a call of `requests`, or nil when it fits (or there is no budget).
    public func check(_ requests: [ChatRequest]) -> TeacherError? {
        guard let budget, !requests.isEmpty else { return nil }
        return budget.refusal(for: estimate(requests))
    }

    /// Refuses the whole call when its estimate passes the budget; otherwise sends it, charging
    /// each answer as it arrives, and never sends a request the budget might not cover.
    ///
    /// Before a request goes out, its worst case is reserved against the budget: its prompt
    /// (counted, or estimated from its length) plus `maxTokens` of completion, or the largest
    /// answer this call has seen when that is bigger (a server may not keep to `maxTokens`,
    /// and a length estimate may be low). Requests go out in rounds of as many as the budget
    /// has room for, all at once (the wrapped teacher's concurrency applies within a round); the
    /// first round is a single request, so the rest are reserved with a real answer's size in
    /// hand. Without a budget the whole call is one round. Requests that no longer fit end as
    /// `.budget` failures ("not sent"); every answer that came is kept.
    public func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool,
        onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) -> [Result<ChatResponse, Error>] {
        var call = MeteredCall()
        call.requests = requests.count
        defer { lastCall = call }
        let estimate = budget == nil ? nil : estimate(requests)
        call.estimate = estimate
        if let budget, let estimate, let refusal = budget.refusal(for: estimate) {
            call.refused = true
            let failures: [Result<ChatResponse, Error>] = requests.indices.map {
                .failure(refusal.at($0, of: requests.count))
            }
            for (index, failure) in failures.enumerated() { onResult(index, failure) }
            return failures
        }
        var results = [Result<ChatResponse, Error>?](repeating: nil, count: requests.count)
        var next = 0
        var largest = TokenUsage()
        var rounds = 0
        while next < requests.count, !isCancelled() {
            let round =
                budget.map { nextRound(from: next, of: requests, within: $0, spent: call, largest: largest, first: rounds == 0) }
                ?? (next..<requests.count)
            guard !round.isEmpty else { break }
            rounds += 1
            let done = next
            _ = inner.complete(
                Array(requests[round]), progress: { count, _ in progress?(done + count, requests.count) },
                isCancelled: isCancelled,
                onResult: { slot, result in
                    let index = round.lowerBound + slot
                    if case .success(let response) = result {
                        let cost = charge(requests[index].model, response.usage)
                        call.spent = call.spent + response.usage
                        if let cost { call.cost = (call.cost ?? 0) + cost }
                        largest = TokenUsage(
                            promptTokens: max(largest.promptTokens, response.usage.promptTokens),
                            completionTokens: max(largest.completionTokens, response.usage.completionTokens))
                    }
                    results[index] = result
                    onResult(index, result)
                })
            next = round.upperBound
        }
        for index in next..<requests.count where results[index] == nil {
            let result: Result<ChatResponse, Error> =
                isCancelled()
                ? .failure(TeacherError(.cancelled, "cancelled before it was sent").at(index, of: requests.count))
                : .failure(stopError(spent: call.spent, cost: call.cost).at(index, of: requests.count))
            if !isCancelled() { call.stoppedByBudget += 1 }
            results[index] = result
            onResult(index, result)
        }
        return results.map { $0! }
    }

    /// The requests from `start` on that the budget has room for with each one's worst case
    /// reserved (see `complete`); at most one in the first round.
    private func nextRound(
        from start: Int, of requests: [ChatRequest], within budget: TeacherBudget, spent call: MeteredCall,
        largest: TokenUsage, first: Bool
    ) -> Range<Int> {
        var reserved = call.spent
        var reservedCost = call.cost
        var end = start
        while end < requests.count, !(first && end > start) {
            let worst = estimator.worstCase(requests[end])
            let usage = TokenUsage(
                promptTokens: max(worst.promptTokens, largest.promptTokens),
                completionTokens: max(worst.completionTokens, largest.completionTokens))
            let cost = price(for: requests[end].model)?.cost(of: usage)
            if budget.wouldPass(spent: reserved, cost: reservedCost, next: usage, nextCost: cost) { break }
            reserved = reserved + usage
            if let cost { reservedCost = (reservedCost ?? 0) + cost }
            end += 1
        }
        return start..<end
    }

    /// Refuses the request when it could pass the budget; otherwise charges its answer.
    public func stream(_ request: ChatRequest, onToken: (String) -> Void, isCancelled: () -> Bool) throws
        -> ChatResponse
    {
        if let refusal = check([request]) { throw refusal }
        let response = try inner.stream(request, onToken: onToken, isCancelled: isCancelled)
        _ = charge(request.model, response.usage)
        return response
    }

    /// Charges one answer to the meter; returns its cost when the price is known.
    private func charge(_ model: String, _ usage: TokenUsage) -> Double? {
        let price = price(for: model)
        meter.add(model: model, usage: usage, price: price)
        return price?.cost(of: usage)
    }

    private func stopError(spent: TokenUsage, cost: Double?) -> TeacherError {
        let used = "\(spent.promptTokens + spent.completionTokens) tokens" + (cost.map { ", \(CostFormat.usd($0))" } ?? "")
        return TeacherError(
            .budget, "not sent: the call stopped at its budget of \(budget?.description ?? "?") after using \(used)",
            hint: "Raise the budget to ask for the rest")
    }
}
