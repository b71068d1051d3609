import Chat
import Datasets
import Foundation
import Language
import OrderedCollections
import PortableMath
import Teacher

/// One `generate` call, prepared from its arguments: the rendered requests, the teacher and
/// the budget. `plan()` describes it without asking anything; `run(_:)` asks the teacher.
struct GenerateCall {
    let template: PromptTemplate
    let teacher: TeacherObject
    /// One input row per request (empty rows when writing new examples).
    let inputs: [Row]
    /// One request per input row (one per row and label for channel scoring), then (when
    /// scoring) one per content-free reference input.
    let requests: [ChatRequest]
    let budget: TeacherBudget?
    /// `"label"` when annotating rows, `"score"` when scoring their labels, else `"generate"`.
    let mode: String
    /// How labels are scored (`scoring: "likelihood"`), or nil to sample replies and parse them.
    let scoring: LabelScoring?
    private let args: Arguments
    private let state: WorkbenchState

    /// Binds and checks the arguments, and renders every request's prompt.
    init(_ args: Arguments, state: WorkbenchState) throws {
        self.args = args
        self.state = state
        template = try args.host("prompt", as: PromptObject.self).template
        let shots = args.optional("shots").flatMap { $0.hostObject as? ShotsObject } ?? ShotsObject(nil)
        teacher = args.optional("teacher").flatMap { $0.hostObject as? TeacherObject } ?? state.defaultTeacher()
        let labelling = args.optional("label") != nil
        if labelling {
            inputs = try args.dataset("label").rows
        } else {
            let n = try args.int("n")
            guard n >= 0 else { throw args.error("n", "n must be at least 0") }
            inputs = Array(repeating: Row(), count: n)
        }
        let options = RequestOptions(
            model: teacher.model, temperature: try args.double("temperature"), maxTokens: try args.int("max_tokens"),
            seed: try args.int("seed"),
            stop: try (args.optional("stop").map { _ in try args.list("stop") } ?? []).map { stop -> String in
                guard case .string(let s) = stop else { throw args.error("stop", "stop sequences must be strings") }
                return s
            })
        let template = template
        let scoring = try LabelScoring(args, template: template, labelling: labelling)
        self.scoring = scoring
        let references = (scoring?.referenceInputs ?? []).map { LabelScoring.contentFreeRow($0, template: template) }
        requests = try (inputs + references).enumerated().flatMap { index, input -> [ChatRequest] in
            let shotRows = try located(args.range(of: "shots")) { try shots.shots(for: input) }
            return try located(args.range(of: "prompt")) {
                if let scoring {
                    return try scoring.requests(for: input, shots: shotRows, template: template, model: options.model)
                }
                return [options.request(for: try template.render(input, shots: shotRows), index: index)]
            }
        }
        mode = scoring != nil ? "score" : labelling ? "label" : "generate"
        budget = try args.budget()
    }

    /// What the call would do, worked out without asking the teacher.
    ///
    /// What it shows depends on the cells before it only, so a notebook's plan cell replays: the
    /// whole call as if nothing were recorded, completions at `max_tokens`. What the recording
    /// answers right now goes to the terminal as a note (not kept with the cell).
    func plan(_ ctx: CallContext) -> PlanObject {
        let estimate = teacher.metered.estimate(requests, usingRecordedAnswers: false)
        let pending = teacher.unrecorded(requests)
        if !pending.isEmpty, pending.count < requests.count {
            let now = teacher.metered.estimate(pending)
            ctx.emit(
                .note(
                    "now: \(requests.count - pending.count) of the \(requests.count) requests are recorded and replay free; "
                        + "the other \(pending.count) would use about \(now.tokens) tokens\n"))
        } else if pending.isEmpty, !requests.isEmpty {
            ctx.emit(.note("now: all \(requests.count) requests are recorded and replay free\n"))
        }
        return PlanObject(
            call: mode, teacher: teacher, requests: requests, recorded: requests.count - pending.count,
            estimate: estimate, budget: budget, refusal: budget?.refusal(for: estimate))
    }

    /// Asks the teacher (refusing first when the budget cannot cover the estimate), parses the
    /// replies into rows, and reports kept, rejected, tokens and cost.
    func run(_ ctx: CallContext) throws -> Value {
        try teacher.refuseIfOverBudget(
            budget, requests, shrink: "lower n or max_tokens (plan(...) shows the estimate)",
            at: args.range(of: "budget") ?? ctx.callRange)
        let progress = ProgressReporter(mode, total: requests.count, context: ctx)
        var done = 0
        var answered = 0
        var charged = ChargeTally(since: teacher.metered.meter.count)
        let results = teacher.withBudget(teacher.callBudget(budget, requests)) {
            teacher.teacher.complete(
                requests, progress: nil, isCancelled: { ctx.isCancellationRequested },
                onResult: { _, result in
                    done += 1
                    if case .success = result { answered += 1 }
                    charged.catchUp(with: teacher.metered.meter)
                    progress.update(done: done, fields: usageFields(charged, answered: answered))
                })
        }
        let unsent = results.filter { TeacherObject.wasStoppedByBudget($0, budget: budget) }.count
        if unsent == 0 { try failOnMissingRecordings(results, at: ctx.callRange) }
        var kept: [Row] = []
        var rejected: [Row] = []
        var notes: [String] = []
        if let scoring {
            (kept, rejected, notes) = try scoredRows(results, scoring, ctx)
        }
        for (index, result) in results.enumerated()
        where scoring == nil && !TeacherObject.wasStoppedByBudget(result, budget: budget) {
            switch result {
            case .success(let response):
                switch template.output.parse(response.text) {
                case .success(let parsed): kept.append(merge(inputs[index], parsed))
                case .failure(let rejection): rejected.append(rejectionRow(index, rejection.reason, response.text))
                }
            case .failure(let error):
                rejected.append(rejectionRow(index, "request failed: \(error)", ""))
            }
        }
        progress.finish(
            done: results.count - unsent,
            fields: ["kept \(kept.count)", "rejected \(rejected.count)"] + usageFields(charged, answered: answered))
        for note in notes { ctx.write(note) }
        reportFailedRequests(
            results, consequence: "their rows are in rejected(...)", state: state, ctx: ctx,
            excluding: { TeacherObject.wasStoppedByBudget($0, budget: budget) })
        if unsent > 0, let budget {
            ctx.write(
                "budget of \(budget) reached: \(unsent) of \(requests.count) requests were not sent ("
                    + RowList.describe(results.indices.filter { TeacherObject.wasStoppedByBudget(results[$0], budget: budget) })
                    + "); the "
                    + "\(requests.count - unsent) answers are kept (raise budget: and run the cell again to ask for the rest)\n")
        }
        try ctx.checkCancellation()
        return .host(DatasetObject(Dataset(kept), rejected: Dataset(rejected)))
    }

    /// What the call has charged, as `usage()` counts it: `tokens 9812 in + 1204 out`, `prompt
    /// 79% cached` when the teacher took prompt prefixes from its cache,
    /// `cost $0.0022` when the teacher has a price, and `replayed 12` for the answers out of
    /// `answered` that came from the recording free.
    private func usageFields(_ charged: ChargeTally, answered: Int) -> [String] {
        var fields = ["tokens \(charged.usage.promptTokens) in + \(charged.usage.completionTokens) out"]
        if charged.usage.cachedPromptTokens > 0, charged.usage.promptTokens > 0 {
            let share = Double(charged.usage.cachedPromptTokens) / Double(charged.usage.promptTokens)
            fields.append(String(format: "prompt %.0f%% cached", 100 * share))
        }
        if teacher.chargedPrice != nil { fields.append("cost \(CostFormat.usd(charged.cost ?? 0))") }
        if answered > charged.answers { fields.append("replayed \(answered - charged.answers)") }
        return fields
    }

    /// An input row with the parsed answer's fields added (the answer wins on a clash).
    private func merge(_ input: Row, _ parsed: Row) -> Row {
        var row = input
        for (name, value) in parsed.fields { row.fields[name] = value }
        return row
    }

    func rejectionRow(_ index: Int, _ reason: String, _ raw: String) -> Row {
        Row(
            OrderedDictionary(uniqueKeysWithValues: [
                ("request", FieldValue.int(index)), ("reason", .string(reason)), ("reply", .string(raw)),
            ]))
    }
}

/// The sampling settings shared by every request of one `generate` or `evaluate` call.
struct RequestOptions {
    var model: String
    var temperature: Double
    var maxTokens: Int
    var seed: Int
    var stop: [String]

    /// The chat request for one rendered prompt; each request gets its own seed (a hash of the
    /// call's seed and the request's index, `StreamSeed.requestSeed`) so samples at a
    /// temperature above zero differ, neighbouring seeds ask for different samples, and the same
    /// call always asks the same things.
    func request(for rendered: RenderedPrompt, index: Int) -> ChatRequest {
        ChatRequest(
            model: model,
            messages: rendered.messages.map { ChatMessage(role: $0.role, content: $0.content) },
            temperature: temperature, maxTokens: maxTokens, seed: StreamSeed.requestSeed(seed, index), stop: stop)
    }
}

/// What one call has charged to the meter so far, caught up answer by answer (each update
/// reads only the entries added since the last, not the whole call again).
struct ChargeTally {
    private var mark: Int
    private(set) var answers = 0
    private(set) var usage = TokenUsage()
    private(set) var cost: Double?

    /// A tally of what is charged after the meter's `count` was `mark`.
    init(since mark: Int) { self.mark = mark }

    /// Adds what `meter` charged since the last catch-up.
    mutating func catchUp(with meter: UsageMeter) {
        let recent = meter.charged(since: mark)
        mark += recent.answers
        answers += recent.answers
        usage = usage + recent.usage
        if let more = recent.cost { cost = (cost ?? 0) + more }
    }
}
