import Foundation

/// Limits on what one bulk call may spend. A call whose estimate passes a limit is refused
/// before anything is sent; a call whose answers reach a limit stops sending the rest.
///
/// ```swift
/// let budget = TeacherBudget(maxTokens: 50_000)          // or TeacherBudget(maxCost: 0.50)
/// budget.refusal(for: metered.estimate(requests))        // nil when the call fits
/// ```
public struct TeacherBudget: Hashable, Sendable, CustomStringConvertible {
    /// Most tokens (prompt plus completion) one call may use, or nil for no limit.
    public var maxTokens: Int?
    /// Most estimated cost one call may run up (needs the teacher's price), or nil for no limit.
    public var maxCost: Double?

    /// Creates a budget, e.g. `TeacherBudget(maxTokens: 200_000)` or `TeacherBudget(maxCost: 1.50)`.
    public init(maxTokens: Int? = nil, maxCost: Double? = nil) {
        self.maxTokens = maxTokens
        self.maxCost = maxCost
    }

    /// The limits in words: `50000 tokens`, `$0.50`, or `50000 tokens and $0.50`.
    public var description: String {
        [maxTokens.map { "\($0) tokens" }, maxCost.map { CostFormat.usd($0) }].compactMap { $0 }
            .joined(separator: " and ")
    }

    /// Why a call with this estimate may not start, or nil when it fits. The message names the
    /// estimate, how it was reached, and the budget; the hint says how much would be enough.
    public func refusal(for estimate: UsageEstimate) -> TeacherError? {
        let figures =
            "\(estimate.requests) requests would use about \(estimate.tokens) tokens "
            + "(\(estimate.usage.promptTokens) prompt + \(estimate.usage.completionTokens) completion; \(estimate.method))"
        if let maxTokens, estimate.tokens > maxTokens {
            return TeacherError(
                .budget, "refused before sending anything: \(figures), over the budget of \(maxTokens) tokens",
                hint: "Raise the token budget to at least \(estimate.tokens), or ask for fewer or shorter answers")
        }
        if let maxCost {
            guard let cost = estimate.cost else {
                return TeacherError(
                    .budget, "refused before sending anything: a cost budget needs the teacher's price per million tokens",
                    hint: "Give the teacher its price, or use a token budget")
            }
            if cost > maxCost {
                return TeacherError(
                    .budget,
                    "refused before sending anything: \(figures), costing about \(CostFormat.usd(cost)), "
                        + "over the budget of \(CostFormat.usd(maxCost))",
                    hint: "Raise the cost budget to at least \(CostFormat.usd(cost)), or ask for fewer or shorter answers")
            }
        }
        return nil
    }

    /// Whether a call that has used `spent` (costing `cost`) would pass a limit by sending one
    /// more request expected to use `next` (costing `nextCost`).
    public func wouldPass(spent: TokenUsage, cost: Double?, next: TokenUsage, nextCost: Double?) -> Bool {
        if let maxTokens {
            let tokens = spent.promptTokens + spent.completionTokens + next.promptTokens + next.completionTokens
            if tokens > maxTokens { return true }
        }
        if let maxCost, (cost ?? 0) + (nextCost ?? 0) > maxCost { return true }
        return false
    }

    /// The budget left after spending `usage` (costing `cost`): for a run of several calls
    /// under one budget.
    public func remaining(afterSpending usage: TokenUsage, cost: Double?) -> TeacherBudget {
        TeacherBudget(
            maxTokens: maxTokens.map { max(0, $0 - usage.promptTokens - usage.completionTokens) },
            maxCost: maxCost.map { max(0, $0 - (cost ?? 0)) })
    }
}

/// Money as fewshot shows it: dollars, with enough decimals for the small sums of a few calls.
public enum CostFormat {
    /// `$1.25`, `$0.0183`, `$0` or `<$0.0001`.
    public static func usd(_ amount: Double) -> String {
        if amount == 0 { return "$0" }
        if amount < 0.0001 { return "<$0.0001" }
        return String(format: amount >= 1 ? "$%.2f" : "$%.4f", amount)
    }
}
