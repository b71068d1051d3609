import Chat
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
                P("scoring", .string, default: "generate"), P("normalize", .string, default: "sum"),
                P("calibrate", .any, default: false),
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
                scoring: "likelihood" or "channel" (normalize:, calibrate: as in generate) has the
                teacher score each label instead of writing one: r.ece is then its expected calibration error and
                r.reliability its confidence against accuracy, per bin, to plot.
                What one query cost: r.prompt_tokens, r.completion_tokens and r.seconds (a teacher's
                latency as recorded with its answers); r.interval is accuracy's 95% bootstrap interval.
                Example: let r = evaluate(teacher(), test, prompt: p, shots: [0, 1, 3], seeds: 3, pool: train)
                """
        ) { args, ctx in
            let data = try args.dataset("data")
            guard !data.isEmpty else { throw args.error("data", "cannot evaluate on an empty dataset") }
            switch args["subject"] {
            case .host(let model as ModelObject):
                if args.optional("budget") != nil {
                    throw args.error("budget", "budget: limits what a teacher is asked; a student model runs here, for free")
                }
                for name in ["scoring", "normalize", "calibrate"] where args.range(of: name) != nil {
                    throw args.error(name, "\(name): is for a teacher's labels; a classifier student's are scored as they are")
                }
                switch model.kind {
                case .classifier(let classifier): return .host(try scoreClassifier(classifier, model.label, data, args))
                case .sentenceClassifier(let classifier):
                    return .host(try scoreClassifier(classifier, model.label, data, args))
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
                            try llama.generate(messages: [ChatMessage(role: "user", content: user)], options: options).text
                        })
                }
            case .host(let teacher as TeacherObject):
                return .host(try scoreTeacher(teacher, data, args, ctx, state))
            default:
                throw args.error(
                    "subject",
                    "evaluate needs a model (from finetune or load_model) or a teacher, got \(args["subject"].typeName)")
            }
        }
    }
}
