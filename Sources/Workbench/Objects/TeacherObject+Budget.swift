import Foundation
import Language
import Teacher

/// Budgets as the language applies them (`generate(..., budget: {tokens: 50000})`): they cover
/// what a call would really send, the requests the recording cannot answer.
extension TeacherObject {
    /// The requests of a call that the recording cannot answer, so the teacher would be asked.
    func unrecorded(_ requests: [ChatRequest]) -> [ChatRequest] {
        recording.unrecorded(requests).map { requests[$0] }
    }

    /// Refuses a call, before anything is sent, whose estimate passes `budget`: the error names
    /// the estimate and the budget and says how to raise it, or `shrink` (how to ask for less,
    /// e.g. "lower n or max_tokens"). The estimate is the whole call's upper bound (completions
    /// at `max_tokens`), whatever is recorded, so the decision depends on the call alone and a
    /// notebook replays it: a refused cell stays refused, and one that started starts again
    /// (and stops where its budget ends, see `callBudget`).
    func refuseIfOverBudget(_ budget: TeacherBudget?, _ requests: [ChatRequest], shrink: String, at range: SourceRange?) throws {
        guard let budget, !requests.isEmpty else { return }
        let estimate = metered.estimate(requests, usingRecordedAnswers: false)
        guard let refusal = budget.refusal(for: estimate) else { return }
        throw RuntimeError("\(refusal.message); \(howToFit(budget, estimate, shrink: shrink))", at: range)
    }

    /// What is left of a call's `budget` for the requests it sends, once the answers it replays
    /// are counted: a budget covers the whole call, so a `--live` run of a cell that stopped at
    /// its budget replays what it got and sends nothing more (it used to be completed past it).
    func callBudget(_ budget: TeacherBudget?, _ requests: [ChatRequest]) -> TeacherBudget? {
        guard let budget else { return nil }
        var usage = TokenUsage()
        var cost: Double?
        for (request, answer) in zip(requests, recording.recordedAnswers(requests)) {
            guard let answer else { continue }
            usage = usage + answer.usage
            if let price = metered.price(for: request.model) { cost = (cost ?? 0) + price.cost(of: answer.usage) }
        }
        return budget.remaining(afterSpending: usage, cost: cost)
    }

    /// Runs `body` with `budget` on each call to the teacher: a call stops sending once one more
    /// request could pass it.
    func withBudget<T>(_ budget: TeacherBudget?, _ body: () throws -> T) rethrows -> T {
        metered.budget = budget
        defer { metered.budget = nil }
        return try body()
    }

    /// Whether `result` is a request the budget kept from being sent: a `.budget` failure, or,
    /// replaying a call that had a budget, a request that was never recorded because of it.
    static func wasStoppedByBudget(_ result: Result<ChatResponse, Error>, budget: TeacherBudget?) -> Bool {
        guard budget != nil, case .failure(let error as TeacherError) = result else { return false }
        return error.kind == .budget || error.kind == .missingRecording
    }

    /// What to change so a call fits, in the language's words.
    private func howToFit(_ budget: TeacherBudget, _ estimate: UsageEstimate, shrink: String) -> String {
        if let maxTokens = budget.maxTokens, estimate.tokens > maxTokens {
            return "raise it with budget: {tokens: \(estimate.tokens)} or more, or \(shrink)"
        }
        guard let cost = estimate.cost else {
            return "give the teacher its price in USD per million tokens, e.g. teacher(\(Value.string(model).repr), "
                + "price: {input: 0.15, output: 0.60}), or use budget: {tokens: N}"
        }
        let enough = (cost * 10_000).rounded(.up) / 10_000
        return "raise it with budget: {usd: \(enough)} or more, or \(shrink)"
    }
}
