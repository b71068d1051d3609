import Datasets
import Foundation
import Language
import OrderedCollections
import Teacher

/// `generate`: the teacher writes new examples from the shots, or labels unlabelled inputs.
enum GenerateBuiltin {
    typealias P = BuiltinParameter

    static func make(_ state: WorkbenchState) -> Builtin {
        Builtin("generate", [
            P("prompt", .host("prompt")), P("shots", .optional(.host("shots")), default: .nil),
            P("n", .int, default: 20), P("label", .any, default: .nil), P("teacher", .optional(.host("teacher")), default: .nil),
            P("temperature", .number, default: 0.8), P("max_tokens", .int, default: 96), P("seed", .int, default: 0),
            P("stop", .optional(.list), default: .nil),
        ], category: "loop", doc: """
            Asks the teacher for data. Two modes, as in Kaddour and Liu (2023):
              generate(p, s, n: 200)      writes n new examples in the prompt's output format,
                                          with the shots as worked examples (data augmentation);
              generate(p, s, label: data) annotates each row of `data` (its fields fill the
                                          prompt's slots) with the teacher's answer.
            Replies that do not parse are kept with the reason in rejected(result), never
            dropped silently. Requests are recorded: running the cell again, or replaying the
            notebook, reuses the answers (raising n only asks for the missing ones).
            teacher: defaults to the local model; temperature 0 makes labels deterministic.
            Example: let data = generate(p, s, n: 50, temperature: 0.8, seed: 1)
            """
        ) { args, ctx in
            let template = try args.host("prompt", as: PromptObject.self).template
            let shots = args.optional("shots").flatMap { $0.hostObject as? ShotsObject } ?? ShotsObject(nil)
            let teacher = args.optional("teacher").flatMap { $0.hostObject as? TeacherObject } ?? state.defaultTeacher()
            let inputs: [Datasets.Record]
            if args.optional("label") != nil {
                inputs = try args.dataset("label").rows
            } else {
                let n = try args.int("n")
                guard n >= 0 else { throw args.error("n", "n must be at least 0") }
                inputs = Array(repeating: Datasets.Record(), count: n)
            }
            let options = RequestOptions(
                model: teacher.model, temperature: try args.double("temperature"), maxTokens: try args.int("max_tokens"),
                seed: try args.int("seed"),
                stop: try (args.optional("stop").map { _ in try args.list("stop") } ?? []).map { stop -> String in
                    guard case .string(let s) = stop else { throw args.error("stop", "stop sequences must be strings") }
                    return s
                })
            let requests = try inputs.enumerated().map { index, input in
                let shotRows = try located(args.range(of: "shots")) { try shots.shots(for: input) }
                let rendered = try located(args.range(of: "prompt")) { try template.render(input, shots: shotRows) }
                return options.request(for: rendered, index: index)
            }
            let label = args.optional("label") != nil ? "label" : "generate"
            let progress = ProgressReporter(label, total: requests.count, context: ctx)
            let results = teacher.teacher.complete(
                requests, progress: { done, _ in progress.update(done: done) },
                isCancelled: { ctx.isCancellationRequested })
            try failOnMissingRecordings(results, at: ctx.callRange)
            var kept: [Datasets.Record] = []
            var rejected: [Datasets.Record] = []
            var usage = TokenUsage()
            for (index, result) in results.enumerated() {
                switch result {
                case .success(let response):
                    usage = usage + response.usage
                    switch template.output.parse(response.text) {
                    case .success(let parsed): kept.append(merge(inputs[index], parsed))
                    case .failure(let rejection): rejected.append(rejectionRow(index, rejection.reason, response.text))
                    }
                case .failure(let error):
                    rejected.append(rejectionRow(index, "request failed: \(error)", ""))
                }
            }
            progress.finish(done: results.count, fields: [
                "kept \(kept.count)", "rejected \(rejected.count)",
                "tokens \(usage.promptTokens) in + \(usage.completionTokens) out",
            ])
            try ctx.checkCancellation()
            return .host(DatasetObject(Dataset(kept), rejected: Dataset(rejected)))
        }
    }

    /// An input row with the parsed answer's fields added (the answer wins on a clash).
    private static func merge(_ input: Datasets.Record, _ parsed: Datasets.Record) -> Datasets.Record {
        var row = input
        for (name, value) in parsed.fields { row.fields[name] = value }
        return row
    }

    private static func rejectionRow(_ index: Int, _ reason: String, _ raw: String) -> Datasets.Record {
        Datasets.Record(OrderedDictionary(uniqueKeysWithValues: [
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

    /// The chat request for one rendered prompt; each request gets its own seed so samples
    /// at a temperature above zero differ, and the same call always asks the same things.
    func request(for rendered: RenderedPrompt, index: Int) -> ChatRequest {
        ChatRequest(
            model: model,
            messages: rendered.messages.map { Teacher.ChatMessage(role: $0.role.rawValue, content: $0.content) },
            temperature: temperature, maxTokens: maxTokens, seed: seed &+ index, stop: stop)
    }
}
