import Datasets
import Foundation
import Language
import Learn
import OrderedCollections
import Teacher

/// `evaluate` of a teacher: k-shot runs (a sweep over shot counts and seeds, under a budget),
/// each query's cost, and the accuracy of its labels.
extension EvaluateBuiltins {
    static func scoreTeacher(
        _ teacher: TeacherObject, _ data: Dataset, _ args: Arguments, _ ctx: CallContext, _ state: WorkbenchState
    ) throws -> EvaluationObject {
        guard case .host(let promptObject as PromptObject)? = args.optional("prompt") else {
            throw args.error("prompt", "to evaluate a teacher, pass the prompt that asks it: evaluate(t, test, prompt: p)")
        }
        let template = promptObject.template
        guard case .label(let field, _) = template.output, let labelColumn = data.labelColumn else {
            throw args.error(
                "prompt", "teacher evaluation scores labels: the prompt needs output: [labels] and the rows a label column")
        }
        let scoring = try LabelScoring(args, template: template, labelling: true)
        let references = (scoring?.referenceInputs ?? []).map { LabelScoring.contentFreeRow($0, template: template) }
        let plan = try shotPlan(args)
        let pool: Dataset? = args.optional("pool") == nil ? nil : try args.dataset("pool")
        if plan.contains(where: { $0.k > 0 }) && pool == nil && plan.first?.fixed == nil {
            throw args.error("pool", "k-shot evaluation draws its shots from pool: (labelled rows kept apart from the test rows)")
        }
        let rows = data.rows.filter { data.label(of: $0) != nil }
        let truth = rows.map { data.label(of: $0)! }
        let inputs = rows.map { StudentText.classifierInput($0, labelColumn: labelColumn) }
        let options = RequestOptions(
            model: teacher.model, temperature: try args.double("temperature"), maxTokens: try args.int("max_tokens"), seed: 0,
            stop: [])
        let runRequests = try plan.map { run -> [ChatRequest] in
            let shots: ShotsObject
            if let fixed = run.fixed {
                shots = fixed
            } else if run.k == 0 {
                shots = ShotsObject(nil)
            } else {
                let selection = try ShotSelection(named: try args.string("select"))
                shots = ShotsObject(try ShotSelector(pool: pool!, k: run.k, selection: selection, seed: UInt64(run.seed)))
            }
            return try (rows + references).enumerated().flatMap { index, row -> [ChatRequest] in
                let shotRows = try shots.shots(for: row)
                if let scoring {
                    return try scoring.requests(for: row, shots: shotRows, template: template, model: options.model)
                }
                return [options.request(for: try template.render(row, shots: shotRows), index: index)]
            }
        }
        // The whole sweep is checked against the budget up front (as if nothing were recorded,
        // so a replay decides the same); then each run gets what the earlier ones left.
        let budget = try args.budget()
        try teacher.refuseIfOverBudget(
            budget, runRequests.flatMap { $0 },
            shrink: "score fewer rows, shot counts or seeds, or lower max_tokens", at: args.range(of: "budget") ?? ctx.callRange)
        let perRun = rows.count * (scoring?.requestsPerRow ?? 1) + references.count
        let progress = ProgressReporter("evaluate", total: perRun * plan.count, context: ctx)
        var runs: [(k: Int, predicted: [String])] = []
        var confidences: [Double]?
        var notes: [String] = []
        var costs: [(k: Int, cost: QueryCost)] = []
        var spent = TokenUsage()
        var spentCost = 0.0
        for (runIndex, run) in plan.enumerated() {
            let results = teacher.withBudget(budget?.remaining(afterSpending: spent, cost: spentCost)) {
                teacher.teacher.complete(
                    runRequests[runIndex], progress: { done, _ in progress.update(done: runIndex * perRun + done) },
                    isCancelled: { ctx.isCancellationRequested })
            }
            try ctx.checkCancellation()
            if teacher.recording.lastCall.called > 0 {
                spent = spent + teacher.metered.lastCall.spent
                spentCost += teacher.metered.lastCall.cost ?? 0
            }
            if let budget, results.contains(where: { TeacherObject.wasStoppedByBudget($0, budget: budget) }) {
                throw RuntimeError(
                    "evaluate stopped at its budget of \(budget) in run \(runIndex + 1) of \(plan.count): the answers so far "
                        + "are recorded and replay free; raise budget: and run the cell again to finish", at: ctx.callRange)
            }
            try failOnMissingRecordings(results, at: ctx.callRange)
            reportFailedRequests(results, consequence: "they are scored as wrong", state: state, ctx: ctx)
            if let cost = queryCost(results) { costs.append((run.k, cost)) }
            if let scoring {
                let answers = try scoring.read(results, inputCount: rows.count, at: ctx.callRange)
                let probs = answers.rows.map { try? $0.get() }
                runs.append((run.k, probs.map { $0.map { scoring.labels[LabelScoring.best($0)] } ?? "(request failed)" }))
                confidences = probs.map { $0?.max() ?? 0 }
                notes = scoring.notes(answers)
                continue
            }
            runs.append(
                (
                    run.k,
                    results.map { result in
                        guard case .success(let response) = result else { return "(request failed)" }
                        switch template.output.parse(response.text) {
                        case .success(let parsed): return parsed[field]?.text ?? "(no label)"
                        case .failure: return "(unparsed)"
                        }
                    }
                ))
        }
        progress.finish(done: perRun * plan.count)
        for note in notes { ctx.write(note) }
        let labels = data.labels.sorted()
        let last = runs[runs.count - 1]
        let title = "\(teacher.summary) \(plan.count == 1 ? "\(last.k)-shot" : "few-shot sweep") on \(rows.count) rows"
        let result = labelResult(
            title, inputs: inputs, truth: truth, predicted: last.predicted, labels: labels, confidences: confidences)
        result.perQuery = costs.last?.cost
        guard plan.count > 1 else { return result }
        let sweep = Dictionary(grouping: runs, by: \.k).keys.sorted().map { k -> (shots: Int, accuracy: Estimate, runs: Int) in
            let accuracies = runs.filter { $0.k == k }.map { run in
                Double(zip(truth, run.predicted).filter { $0 == $1 }.count) / Double(truth.count)
            }
            return (k, Intervals.mean95(accuracies), accuracies.count)
        }
        var metrics = OrderedDictionary<String, Double>()
        for point in sweep { metrics["accuracy_\(point.shots)shot"] = point.accuracy.value }
        let swept = EvaluationObject(
            title: title, metrics: metrics, report: nil, sweep: sweep, examples: result.examples, correct: result.correct)
        swept.perQuery = result.perQuery
        for point in sweep { swept.sweepCosts[point.shots] = QueryCost.mean(costs.filter { $0.k == point.shots }.map(\.cost)) }
        return swept
    }

    /// The mean tokens and latency of a run's answered requests; nil when none was answered.
    static func queryCost(_ results: [Result<ChatResponse, Error>]) -> QueryCost? {
        QueryCost.mean(
            results.compactMap { try? $0.get() }.map { answer in
                QueryCost(
                    promptTokens: Double(answer.usage.promptTokens), completionTokens: Double(answer.usage.completionTokens),
                    seconds: answer.seconds)
            })
    }

    /// The runs a teacher evaluation makes: each shot count times each seed, or one run with
    /// a fixed shots object.
    static func shotPlan(_ args: Arguments) throws -> [(k: Int, seed: Int, fixed: ShotsObject?)] {
        let seeds = try args.int("seeds")
        guard seeds >= 1 else { throw args.error("seeds", "seeds must be at least 1") }
        switch args["shots"] {
        case .nil: return [(0, 0, nil)]
        case .int(let k): return (0..<(k == 0 ? 1 : seeds)).map { (k, $0, nil) }
        case .host(let fixed as ShotsObject): return [(fixed.selector?.k ?? 0, 0, fixed)]
        case .list(let ks):
            return try ks.flatMap { value -> [(k: Int, seed: Int, fixed: ShotsObject?)] in
                guard case .int(let k) = value, k >= 0 else {
                    throw args.error("shots", "shot counts must be whole numbers from 0")
                }
                return (0..<(k == 0 ? 1 : seeds)).map { (k, $0, nil) }
            }
        default:
            throw args.error("shots", "shots: must be a number, a list of numbers, or a shots(...) set")
        }
    }
}
