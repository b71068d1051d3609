import Language
import Teacher

extension Arguments {
    /// A `budget:` argument: `{tokens: 50000}`, `{usd: 0.50}` or both; nil when the argument is nil.
    func budget(_ name: String = "budget") throws -> TeacherBudget? {
        guard optional(name) != nil else { return nil }
        let record = try record(name)
        var budget = TeacherBudget()
        for (key, value) in record.fields {
            switch (key, value) {
            case ("tokens", .int(let tokens)) where tokens >= 0:
                budget.maxTokens = tokens
            case ("usd", .int(let usd)) where usd >= 0:
                budget.maxCost = Double(usd)
            case ("usd", .float(let usd)) where usd >= 0:
                budget.maxCost = usd
            case ("tokens", _), ("usd", _):
                throw error(name, "budget \(key): must be a number from 0, got \(value.repr)")
            default:
                throw error(name, "a budget has tokens: and/or usd:, e.g. {tokens: 50000} or {usd: 0.50}; got a field '\(key)'")
            }
        }
        guard budget.maxTokens != nil || budget.maxCost != nil else {
            throw error(name, "a budget needs tokens: or usd:, e.g. {tokens: 50000} or {usd: 0.50}")
        }
        return budget
    }

    /// A `price:` argument in USD per million tokens: `{input: 0.15, output: 0.60}`; nil when nil.
    func price(_ name: String = "price") throws -> ModelPrice? {
        guard optional(name) != nil else { return nil }
        let record = try record(name)
        func dollars(_ key: String) throws -> Double {
            switch record[key] {
            case .int(let v)? where v >= 0: return Double(v)
            case .float(let v)? where v >= 0: return v
            case nil:
                throw error(name, "a price needs input: and output:, USD per million tokens, e.g. {input: 0.15, output: 0.60}")
            case let other?:
                throw error(name, "price \(key): must be a number from 0 (USD per million tokens), got \(other.repr)")
            }
        }
        if let extra = record.fields.keys.first(where: { $0 != "input" && $0 != "output" }) {
            throw error(name, "a price has input: and output: (USD per million tokens); got a field '\(extra)'")
        }
        return ModelPrice(promptPerMillion: try dollars("input"), completionPerMillion: try dollars("output"))
    }
}
