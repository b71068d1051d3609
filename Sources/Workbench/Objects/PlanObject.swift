import Chat
import Language
import Teacher

/// What a `generate` call would do, shown before anything is sent (`plan(...)`): how many
/// requests, the estimated tokens and cost of the whole call, whether the budget lets it
/// start, and the prompt it sends. Its display depends on the call only (not on what is
/// recorded), so a plan cell replays; `recorded` says what the recording answers right now.
public final class PlanObject: HostObject {
    /// `"generate"` or `"label"`.
    let call: String
    let teacher: TeacherObject
    let requests: [ChatRequest]
    /// Requests the recording answers right now (free).
    let recorded: Int
    /// The estimate for the whole call, completions at `max_tokens`.
    let estimate: UsageEstimate
    let budget: TeacherBudget?
    /// The budget's refusal, when the call would not start.
    let refusal: TeacherError?

    init(
        call: String, teacher: TeacherObject, requests: [ChatRequest], recorded: Int, estimate: UsageEstimate,
        budget: TeacherBudget?, refusal: TeacherError?
    ) {
        self.call = call
        self.teacher = teacher
        self.requests = requests
        self.recorded = recorded
        self.estimate = estimate
        self.budget = budget
        self.refusal = refusal
    }

    public var typeName: String { "plan" }

    /// `len(p)`: the number of requests the call would make.
    public var length: Int? { requests.count }

    public var summary: String {
        "plan(\(call): \(requests.count) requests, about \(estimate.tokens) tokens)"
    }

    public var display: String? {
        var lines = ["plan: \(call) sends \(requests.count) requests to \(teacher.answerer)"]
        func row(_ name: String, _ value: String, _ note: String = "") {
            lines.append(
                "  " + name.padding(toLength: 19, withPad: " ", startingAt: 0) + value + (note.isEmpty ? "" : "   " + note))
        }
        if estimate.requests > 0 {
            row("prompt tokens", "\(estimate.usage.promptTokens)", estimate.promptMethod)
            row("completion tokens", "\(estimate.usage.completionTokens)", estimate.completionMethod)
            row("tokens in all", "\(estimate.tokens)")
        }
        row("cost", costText)
        if let budget {
            row("budget", "\(budget)", refusal == nil ? "fits: the call may start" : "too small: the call would be refused")
        }
        lines.append(promptHeading)
        lines += (requests.first?.messages ?? []).map { "[\($0.role)]\n\($0.content)" }
        return lines.joined(separator: "\n")
    }

    /// The cost line: free, an estimate at the price, or how to give a price.
    private var costText: String {
        guard let price = teacher.price else {
            return
                "unknown: give the teacher its price, e.g. teacher(\(Value.string(teacher.model).repr), price: {input: 0.15, output: 0.60}) in USD per million tokens"
        }
        if price.isFree { return "$0 (this teacher is free)" }
        let rates = String(format: "$%g in / $%g out", price.promptPerMillion, price.completionPerMillion)
        let batch = teacher.isBatch ? " (the Batch API's price: half the live one, answers within 24 h)" : ""
        return "about \(CostFormat.usd(estimate.cost ?? 0)) at \(rates) per million tokens\(batch)"
    }

    /// Which prompt is shown, and whether the others differ.
    private var promptHeading: String {
        guard !requests.isEmpty else { return "no prompt: the call sends no request" }
        var distinct = Set<[ChatMessage]>()
        for request in requests { distinct.insert(request.messages) }
        if requests.count == 1 { return "the prompt:" }
        if distinct.count == 1 { return "the prompt (the same for all \(requests.count) requests, each with its own seed):" }
        return "the prompt of request 1 (\(distinct.count) different prompts; plan(...).prompts has them all):"
    }

    public var fieldNames: [String] {
        ["requests", "recorded", "to_send", "prompt_tokens", "completion_tokens", "tokens", "usd", "fits_budget", "prompts"]
    }

    public func field(_ name: String) -> Value? {
        switch name {
        case "requests": return .int(requests.count)
        case "recorded": return .int(recorded)
        case "to_send": return .int(requests.count - recorded)
        case "prompt_tokens": return .int(estimate.usage.promptTokens)
        case "completion_tokens": return .int(estimate.usage.completionTokens)
        case "tokens": return .int(estimate.tokens)
        case "usd": return estimate.cost.map(Value.float) ?? .nil
        case "fits_budget": return budget == nil ? .nil : .bool(refusal == nil)
        case "prompts":
            return .list(
                requests.map { request in
                    Value.list(
                        request.messages.map { message in
                            Value.record(
                                Record(["role": Value.string(message.role.rawValue), "content": Value.string(message.content)]))
                        })
                })
        default: return nil
        }
    }
}
