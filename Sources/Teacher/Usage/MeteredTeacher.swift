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

    /// What sending `requests` is expected to use and cost, before anything is sent.
    public func estimate(_ requests: [ChatRequest]) -> UsageEstimate {
        estimator.estimate(requests, price: requests.first.flatMap { price(for: $0.model) })
    }

    /// The budget's refusal of a call of `requests`, or nil when it fits (or there is no budget).
    public func check(_ requests: [ChatRequest]) -> TeacherError? {
        guard let budget, !requests.isEmpty else { return nil }
        return budget.refusal(for: estimate(requests))
    }

    /// Charges each answer; see `complete(_:progress:isCancelled:onResult:)` for the budget.
    public func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool
    ) -> [Result<ChatResponse, Error>] {
        complete(requests, progress: progress, isCancelled: isCancelled, onResult: { _, _ in })
    }

    /// Refuses the whole call when its estimate passes the budget; otherwise sends it, charging
    /// each answer as it arrives, and stops sending once one more request could pass the budget.
    /// Requests the budget stopped end as `.budget` failures; every answer that came is kept.
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
        // The next request is expected to use the estimate's average.
        let count = max(1, requests.count)
        let next =
            estimate.map {
                TokenUsage(promptTokens: $0.usage.promptTokens / count, completionTokens: $0.usage.completionTokens / count)
            } ?? TokenUsage()
        let nextCost = estimate?.cost.map { $0 / Double(count) }
        var stopped = false
        var results = [Result<ChatResponse, Error>?](repeating: nil, count: requests.count)
        let answered = inner.complete(
            requests, progress: progress, isCancelled: { stopped || isCancelled() },
            onResult: { index, result in
                var result = result
                switch result {
                case .success(let response):
                    let cost = charge(requests[index].model, response.usage)
                    call.spent = call.spent + response.usage
                    if let cost { call.cost = (call.cost ?? 0) + cost }
                    if let budget, budget.wouldPass(spent: call.spent, cost: call.cost, next: next, nextCost: nextCost) {
                        stopped = true
                    }
                case .failure where stopped && !isCancelled():
                    call.stoppedByBudget += 1
                    result = .failure(stopError(spent: call.spent, cost: call.cost).at(index, of: requests.count))
                case .failure:
                    break
                }
                results[index] = result
                onResult(index, result)
            })
        return zip(results, answered).map { $0 ?? $1 }
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
