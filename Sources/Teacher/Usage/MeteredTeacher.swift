/// Limits on what a session may spend; a bulk call that could go over is refused before it starts.
public struct TeacherBudget: Hashable, Sendable {
    /// Most tokens (prompt plus completion) in total, or nil for no limit.
    public var maxTokens: Int?
    /// Most estimated cost in total (needs the meter's price table), or nil for no limit.
    public var maxCost: Double?
    /// Completion tokens assumed for a request without `maxTokens`, when estimating.
    public var assumedCompletionTokens: Int

    /// Creates a budget, e.g. `TeacherBudget(maxTokens: 200_000)` or `TeacherBudget(maxCost: 1.50)`.
    public init(maxTokens: Int? = nil, maxCost: Double? = nil, assumedCompletionTokens: Int = 512) {
        self.maxTokens = maxTokens
        self.maxCost = maxCost
        self.assumedCompletionTokens = assumedCompletionTokens
    }

    /// A pessimistic guess at a request's tokens: about 4 characters a prompt token plus a few per
    /// message, and `maxTokens` (or the assumed count) for each of its `n` completions.
    public func estimate(_ request: ChatRequest) -> TokenUsage {
        let characters = request.messages.reduce(0) { $0 + $1.content.utf8.count }
        let prompt = characters / 4 + 4 * request.messages.count + 3
        let completion = (request.maxTokens ?? assumedCompletionTokens) * max(1, request.n ?? 1)
        return TokenUsage(promptTokens: prompt, completionTokens: completion)
    }
}

/// Wraps a teacher to charge every answer's usage to a `UsageMeter` and enforce a budget.
///
/// Place it inside a `RecordingTeacher` so that replayed answers cost nothing:
/// `RecordingTeacher(wrapping: MeteredTeacher(wrapping: http, meter: meter), store: store)`.
public final class MeteredTeacher: ChatTeacher {
    /// The teacher that does the work.
    public let inner: ChatTeacher
    /// Where usage is charged.
    public let meter: UsageMeter
    /// The limits, or nil for none; may be changed between calls.
    public var budget: TeacherBudget?

    /// Wraps `inner`.
    public init(wrapping inner: ChatTeacher, meter: UsageMeter, budget: TeacherBudget? = nil) {
        self.inner = inner
        self.meter = meter
        self.budget = budget
    }

    /// The wrapped teacher's summary.
    public var summary: String { inner.summary }

    /// Refuses the whole call when it could pass the budget; otherwise charges each answer.
    public func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool
    ) -> [Result<ChatResponse, Error>] {
        complete(requests, progress: progress, isCancelled: isCancelled, onResult: { _, _ in })
    }

    /// Refuses the whole call when it could pass the budget; otherwise charges each answer as it arrives.
    public func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool,
        onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) -> [Result<ChatResponse, Error>] {
        if let refusal = check(requests) {
            let failures: [Result<ChatResponse, Error>] = requests.indices.map {
                .failure(refusal.at($0, of: requests.count))
            }
            for (index, failure) in failures.enumerated() { onResult(index, failure) }
            return failures
        }
        return inner.complete(
            requests, progress: progress, isCancelled: isCancelled,
            onResult: { index, result in
                if case .success(let response) = result { meter.add(model: requests[index].model, usage: response.usage) }
                onResult(index, result)
            })
    }

    /// Refuses the request when it could pass the budget; otherwise charges its answer.
    public func stream(_ request: ChatRequest, onToken: (String) -> Void, isCancelled: () -> Bool) throws
        -> ChatResponse
    {
        if let refusal = check([request]) { throw refusal }
        let response = try inner.stream(request, onToken: onToken, isCancelled: isCancelled)
        meter.add(model: request.model, usage: response.usage)
        return response
    }

    /// The budget error for a call of `requests`, or nil when it fits.
    public func check(_ requests: [ChatRequest]) -> TeacherError? {
        guard let budget else { return nil }
        let estimates = requests.map(budget.estimate)
        let estimate = estimates.reduce(TokenUsage(), +)
        let spent = meter.total
        if let maxTokens = budget.maxTokens {
            let after = spent.promptTokens + spent.completionTokens + estimate.promptTokens + estimate.completionTokens
            if after > maxTokens {
                return TeacherError(
                    .budget,
                    "refused \(requests.count) requests: up to \(after - spent.promptTokens - spent.completionTokens) "
                        + "more tokens would pass the budget of \(maxTokens) (\(spent.promptTokens + spent.completionTokens) used)",
                    hint: "Raise the token budget or ask for fewer or shorter answers")
            }
        }
        if budget.maxCost != nil, meter.prices == nil {
            return TeacherError(
                .budget, "refused \(requests.count) requests: a cost budget needs a price table to estimate costs",
                hint: "Give the usage meter the prices of the models you use")
        }
        if let maxCost = budget.maxCost, let prices = meter.prices {
            let more = zip(requests, estimates).reduce(0.0) { $0 + (prices.cost(model: $1.0.model, usage: $1.1) ?? 0) }
            let spentCost = meter.totalCost ?? 0
            if spentCost + more > maxCost {
                return TeacherError(
                    .budget,
                    "refused \(requests.count) requests: up to \(formatCost(more)) more would pass the budget of "
                        + "\(formatCost(maxCost)) (\(formatCost(spentCost)) spent)",
                    hint: "Raise the cost budget or ask for fewer or shorter answers")
            }
        }
        return nil
    }
}

func formatCost(_ cost: Double) -> String {
    let cents = (cost * 10_000).rounded() / 10_000
    return "\(cents)"
}
