import Datasets
import Foundation
import Language
import Learn
import OrderedCollections
import Teacher

/// `evaluate`, `compare` and `examples`: measuring students and teachers on the same rows.
enum EvaluateBuiltins {
    typealias P = BuiltinParameter

    static func all(_ state: WorkbenchState) -> [Builtin] { [evaluate(state), compare, examples] }

    static func evaluate(_ state: WorkbenchState) -> Builtin {
        Builtin(
            "evaluate",
            [
                P("subject"), P("data"), P("prompt", .optional(.host("prompt")), default: .nil), P("shots", .any, default: .nil),
                P("pool", .any, default: .nil), P("seeds", .int, default: 1, bounds: .between(1, 1000)),
                P("select", .string, default: "random"),
                P("contains", .optional(.string), default: .nil), P("max_tokens", .int, default: 32, bounds: Limits.maxTokens),
                P("temperature", .number, default: 0, bounds: Limits.temperature), P("budget", .optional(.record), default: .nil),
            ], category: "loop",
            doc: """
                Scores a student model or a teacher on held-out rows.
                  a classifier          accuracy, macro-F1, per-class precision/recall, confusion matrix
                  a GPT student         perplexity; on dialogue rows it answers each first user turn and
                                        is scored by exact match and ROUGE-L against the reference reply,
                                        and by how often its reply contains `contains:` (a behaviour probe)
                  a teacher             asks `prompt:` for every row, k-shot: `shots: 3`, or a sweep
                                        `shots: [0, 1, 3, 5]` with `seeds: 5` draws of shots from `pool:`
                                        each, reported as mean accuracy with a 95% interval
                Few-shot changes no weights: the shots ride along in every prompt instead.
                budget: {tokens: N} or {usd: X} caps what a teacher evaluation sends, as in generate:
                a sweep whose estimate is over is refused before anything is sent, and one that
                reaches it stops with an error (the answers so far are recorded and replay free).
                What one query cost: r.prompt_tokens, r.completion_tokens and r.seconds (a teacher's
                latency as recorded with its answers); r.interval is accuracy's 95% bootstrap interval.
                Example: let r = evaluate(teacher(), test, prompt: p, shots: [0, 1, 3], seeds: 3, pool: train)
                """
        ) { args, ctx in
            let data = try args.dataset("data")
            guard !data.isEmpty else { throw args.error("data", "cannot evaluate on an empty dataset") }
            do {
                switch args["subject"] {
                case .host(let model as ModelObject):
                    if args.optional("budget") != nil {
                        throw args.error("budget", "budget: limits what a teacher is asked; a student model runs here, for free")
                    }
                    switch model.kind {
                    case .classifier(let classifier): return .host(try scoreClassifier(classifier, model.label, data, args))
                    case .languageModel(let gpt):
                        let options = GenerationOptions(
                            maxTokens: try args.int("max_tokens"), temperature: Float(try args.double("temperature")),
                            stop: ["\n"])
                        return .host(
                            try scoreLanguageModel(
                                model, perplexity: try gpt.perplexity(of: try model.text.sequences(data)), data, args, ctx
                            ) { user in
                                try gpt.generate(
                                    text: model.text.chatPrompt(history: [], next: user), options: options)
                            })
                    case .llama(let student):
                        let llama = try model.inferenceModel()!
                        var options = GenerationOptions.llamaCppDefaults
                        options.maxTokens = try args.int("max_tokens")
                        options.temperature = Float(try args.double("temperature"))
                        options.seed = 0
                        return .host(
                            try scoreLanguageModel(
                                model, perplexity: try student.perplexity(of: try StudentText.sequences(data, for: student)),
                                data, args, ctx
                            ) { user in
                                try llama.generate(messages: [ChatTurn(role: "user", content: user)], options: options).text
                            })
                    }
                case .host(let teacher as TeacherObject):
                    return .host(try scoreTeacher(teacher, data, args, ctx, state))
                default:
                    throw args.error(
                        "subject",
                        "evaluate needs a model (from finetune or load_model) or a teacher, got \(args["subject"].typeName)")
                }
            } catch let error as LearnError {
                throw RuntimeError("\(error)", at: ctx.callRange)
            } catch let error as DatasetError {
                throw RuntimeError(error.description, at: ctx.callRange)
            } catch let error as LlamaError {
                throw RuntimeError(error.description, at: ctx.callRange)
            }
        }
    }

    // MARK: Classifier

    private static func scoreClassifier(_ classifier: GPTClassifier, _ name: String, _ data: Dataset, _ args: Arguments) throws
        -> EvaluationObject
    {
        guard let labelColumn = data.labelColumn else {
            throw args.error("data", "the rows need a label column to score a classifier")
        }
        let rows = data.rows.filter { data.label(of: $0) != nil }
        let texts = rows.map { StudentText.classifierInput($0, labelColumn: labelColumn) }
        let started = DispatchTime.now().uptimeNanoseconds
        let tokens = texts.map { ByteTokenizer().encode($0) }
        let predicted = try classifier.predictLabels(tokens).map { classifier.labels[$0] }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let truth = rows.map { data.label(of: $0)! }
        let result = labelResult(
            "\(name) on \(rows.count) rows", inputs: texts, truth: truth, predicted: predicted, labels: classifier.labels)
        // the classifier reads the last `context` bytes
        let read = tokens.map { min(max($0.count, 1), classifier.backbone.config.context) }
        result.perQuery = QueryCost(
            promptTokens: Double(read.reduce(0, +)) / Double(max(rows.count, 1)), completionTokens: 0,
            seconds: rows.isEmpty ? nil : seconds / Double(rows.count))
        return result
    }

    /// The evaluation of predicted labels against the truth.
    private static func labelResult(_ title: String, inputs: [String], truth: [String], predicted: [String], labels: [String])
        -> EvaluationObject
    {
        let report = ClassificationReport(truth: truth, predicted: predicted, labels: labels)
        let correct = zip(truth, predicted).map { $0 == $1 }
        let examples = Dataset(
            zip(inputs, zip(truth, predicted)).map { input, pair in
                Datasets.Record([
                    ("input", .string(input)), ("label", .string(pair.0)), ("predicted", .string(pair.1)),
                    ("correct", .bool(pair.0 == pair.1)),
                ])
            })
        return EvaluationObject(
            title: title, metrics: ["accuracy": report.accuracy, "macro_f1": report.macroF1], report: report, examples: examples,
            correct: correct)
    }

    // MARK: Language-model student

    /// Perplexity, then each dialogue's first user turn answered by `reply` and scored against
    /// the reference reply.
    private static func scoreLanguageModel(
        _ model: ModelObject, perplexity: Float, _ data: Dataset, _ args: Arguments, _ ctx: CallContext,
        reply answer: (String) throws -> String
    ) throws -> EvaluationObject {
        var metrics: OrderedDictionary<String, Double> = ["perplexity": Double(perplexity)]
        let probe = args.optional("contains") == nil ? nil : try args.string("contains")
        let turns = try data.rows.enumerated().compactMap { index, row -> (user: String, reply: String)? in
            guard let messages = row["messages"] else { return nil }
            let list = try Datasets.ChatMessage.list(messages, row: index + 1)
            guard let user = list.first(where: { $0.role == .user }), let reply = list.first(where: { $0.role == .assistant })
            else { return nil }
            return (user.content, reply.content)
        }
        guard !turns.isEmpty else {
            return EvaluationObject(
                title: "\(model.label) on \(data.count) rows", metrics: metrics, examples: Dataset([]), correct: [])
        }
        let progress = ProgressReporter("evaluate", total: turns.count, context: ctx)
        var rows: [Datasets.Record] = [], correct: [Bool] = []
        var exact = 0.0, rouge = 0.0, hits = 0.0
        for (index, turn) in turns.enumerated() {
            try ctx.checkCancellation()
            let reply = try answer(turn.user).trimmingCharacters(in: .whitespaces)
            let matched = reply == turn.reply.trimmingCharacters(in: .whitespaces)
            let hit = probe.map { reply.contains($0) } ?? matched
            exact += matched ? 1 : 0
            rouge += rougeL(reply, turn.reply).fMeasure
            hits += hit ? 1 : 0
            correct.append(hit)
            rows.append(
                Datasets.Record([
                    ("user", .string(turn.user)), ("expected", .string(turn.reply)), ("reply", .string(reply)),
                    ("correct", .bool(hit)),
                ]))
            progress.update(done: index + 1)
        }
        progress.finish(done: turns.count)
        let n = Double(turns.count)
        metrics["exact_match"] = exact / n
        metrics["rouge_l"] = rouge / n
        if probe != nil { metrics["contains"] = hits / n }
        return EvaluationObject(
            title: "\(model.label) on \(turns.count) dialogues", metrics: metrics, examples: Dataset(rows), correct: correct)
    }

    // MARK: Teacher

    private static func scoreTeacher(
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
            return try rows.enumerated().map { index, row in
                options.request(for: try template.render(row, shots: try shots.shots(for: row)), index: index)
            }
        }
        // The whole sweep is checked against the budget up front (as if nothing were recorded,
        // so a replay decides the same); then each run gets what the earlier ones left.
        let budget = try args.budget()
        try teacher.refuseIfOverBudget(
            budget, runRequests.flatMap { $0 },
            shrink: "score fewer rows, shot counts or seeds, or lower max_tokens", at: args.range(of: "budget") ?? ctx.callRange)
        let progress = ProgressReporter("evaluate", total: rows.count * plan.count, context: ctx)
        var runs: [(k: Int, predicted: [String])] = []
        var costs: [(k: Int, cost: QueryCost)] = []
        var spent = TokenUsage()
        var spentCost = 0.0
        for (runIndex, run) in plan.enumerated() {
            let results = teacher.withBudget(budget?.remaining(afterSpending: spent, cost: spentCost)) {
                teacher.teacher.complete(
                    runRequests[runIndex], progress: { done, _ in progress.update(done: runIndex * rows.count + done) },
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
        progress.finish(done: rows.count * plan.count)
        let labels = data.labels.sorted()
        let last = runs[runs.count - 1]
        let title = "\(teacher.summary) \(plan.count == 1 ? "\(last.k)-shot" : "few-shot sweep") on \(rows.count) rows"
        let result = labelResult(title, inputs: inputs, truth: truth, predicted: last.predicted, labels: labels)
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
    private static func queryCost(_ results: [Result<ChatResponse, Error>]) -> QueryCost? {
        QueryCost.mean(
            results.compactMap { try? $0.get() }.map { answer in
                QueryCost(
                    promptTokens: Double(answer.usage.promptTokens), completionTokens: Double(answer.usage.completionTokens),
                    seconds: answer.seconds)
            })
    }

    /// The runs a teacher evaluation makes: each shot count times each seed, or one run with
    /// a fixed shots object.
    private static func shotPlan(_ args: Arguments) throws -> [(k: Int, seed: Int, fixed: ShotsObject?)] {
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

    // MARK: compare and examples

    static let compare = Builtin(
        "compare", [P("first", .host("evaluation")), P("second", .host("evaluation"))], category: "loop",
        doc: """
            Puts two evaluations of the same rows side by side and tests whether they really
            differ (McNemar's paired test on which rows each got right).
            Example: compare(evaluate(student, test), evaluate(teacher(), test, prompt: p, shots: 3, pool: train))
            """
    ) { args, ctx in
        let a = try args.host("first", as: EvaluationObject.self), b = try args.host("second", as: EvaluationObject.self)
        guard a.correct.count == b.correct.count, !a.correct.isEmpty else {
            throw args.error("second", "the two evaluations must score the same rows (\(a.correct.count) vs \(b.correct.count))")
        }
        let test = Intervals.mcnemar(correctA: a.correct, correctB: b.correct)
        var lines = ["A: \(a.title)", "B: \(b.title)"]
        for name in OrderedSet(a.metrics.keys).union(b.metrics.keys) {
            let left = a.metrics[name].map(EvaluationObject.format) ?? "-",
                right = b.metrics[name].map(EvaluationObject.format) ?? "-"
            lines.append("\(name.padding(toLength: 12, withPad: " ", startingAt: 0)) A \(left)   B \(right)")
        }
        let accuracyA = Intervals.bootstrap95(a.correct.map { $0 ? 1 : 0 }),
            accuracyB = Intervals.bootstrap95(b.correct.map { $0 ? 1 : 0 })
        lines.append(
            String(
                format: "right      A %.3f [%.3f, %.3f]   B %.3f [%.3f, %.3f] (bootstrap 95%%)",
                accuracyA.value, accuracyA.low, accuracyA.high, accuracyB.value, accuracyB.low, accuracyB.high))
        lines.append(
            String(
                format: "McNemar: only A right on %d rows, only B right on %d, p = %.4f%@", test.onlyA, test.onlyB, test.pValue,
                test.pValue < 0.05 ? " (a real difference at the 5% level)" : " (not significant at the 5% level)"))
        ctx.write(lines.joined(separator: "\n") + "\n")
        var result = Language.Record()
        result["only_first"] = .int(test.onlyA)
        result["only_second"] = .int(test.onlyB)
        result["p_value"] = .float(test.pValue)
        return .record(result)
    }

    static let examples = Builtin(
        "examples", [P("result", .host("evaluation"))], category: "loop",
        doc: """
            The per-example results of an evaluation, as a dataset (input, expected, predicted,
            correct), to read the mistakes or save them.
            Example: filter(examples(r), where: fn(e) => not e.correct)
            """
    ) { args, _ in
        .host(DatasetObject(try args.host("result", as: EvaluationObject.self).examples))
    }
}
