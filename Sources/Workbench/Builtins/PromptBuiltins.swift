import Datasets
import Language

/// Built-ins that describe the task: `prompt`, `shots` and `render`.
enum PromptBuiltins {
    typealias P = BuiltinParameter

    static let all = [prompt, shots, render]

    static let prompt = Builtin(
        "prompt",
        [
            P("template", .string), P("system", .optional(.string), default: .nil), P("output", .any, default: "text"),
            P("user", .string, default: "User"), P("bot", .string, default: "Bot"),
            P("exchanges", .optional(.int), default: .nil, bounds: .between(0, 1000)),
        ], category: "loop",
        doc: """
            A prompt template for the task. `{field}` slots are filled from each record; `output:`
            says what the teacher's reply should be and how it becomes a record:
              a list of labels   the reply is one of them       output: ["positive", "negative"]
              "label" / "text"   the reply is a label / free text
              a record           a JSON object with these fields output: {question: "string", answer: "string"}
              "dialogue"         `User:`/`Bot:` lines (rename with user:, bot:; exchanges: how many)
            Example: let p = prompt('Tweet: {text}\\nSentiment:', system: "Classify the sentiment.", output: ["negative", "neutral", "positive"])
            """
    ) { args, _ in
        let output = try outputSpec(args)
        let system = args.optional("system").flatMap { if case .string(let s) = $0 { return s } else { return nil } }
        let template = try located(args.range(of: "template")) {
            try PromptTemplate(try args.string("template"), system: system, output: output)
        }
        return .host(PromptObject(template))
    }

    /// Reads the `output:` argument of `prompt`.
    private static func outputSpec(_ args: Arguments) throws -> OutputSpec {
        switch args["output"] {
        case .string("text"): return .text()
        case .string("label"): return .label()
        case .string("dialogue"):
            let exchanges = args.optional("exchanges") == nil ? nil : try args.int("exchanges")
            return .dialogue(DialogueFormat(user: try args.string("user"), bot: try args.string("bot"), exchanges: exchanges))
        case .list(let labels):
            let names = try labels.map { label -> String in
                guard case .string(let name) = label else { throw args.error("output", "labels in output: must be strings") }
                return name
            }
            return .label(allowed: names)
        case .record(let fields):
            let schema = try FieldValue(.record(fields))
            return .json(try located(args.range(of: "output")) { try JSONSchema(schema) })
        default:
            throw args.error(
                "output", #"output: must be a list of labels, "label", "text", "dialogue" or a record of field types"#)
        }
    }

    static let shots = Builtin(
        "shots",
        [
            P("data"), P("k", .int, default: 3, bounds: .between(0, 10_000)), P("select", .string, default: "first"),
            P("seed", .optional(.int), default: .nil), P("measure", .string, default: "tfidf"),
        ], category: "loop",
        doc: """
            Picks k worked examples (shots) from labelled rows, to show the teacher the task.
            select: "first", "random", "balanced" (every label in turn), "diverse" (maximal
            marginal relevance) or "similar" (per input, its k most similar rows). k: 0 is
            zero-shot. The same seed picks the same shots.
            measure: how similar and diverse compare texts: "tfidf" (the default: TF-IDF cosine,
            shared words), "minilm" (cosine of all-MiniLM-L6-v2 sentence embeddings: meaning, so a
            paraphrase that shares no word counts as close, as in KATE, Liu et al. 2021; the pool
            is embedded once here) or "auto" (minilm when installed, else tfidf). The shots say
            which measure they use.
            Example: let s = shots(examples, k: 3, select: "balanced", seed: 1)
                     let near = shots(examples, k: 3, select: "similar", measure: "minilm")
            """
    ) { args, ctx in
        let k = try args.int("k")
        if k == 0 { return .host(ShotsObject(nil)) }
        let pool = try args.dataset("data")
        let selection = try located(args.range(of: "select")) { try ShotSelection(named: try args.string("select")) }
        let selector = try located(args.range(of: "k")) {
            try ShotSelector(pool: pool, k: k, selection: selection, seed: try args.seed())
        }
        let measure = try ShotMeasureChoice.measure(args, pool: pool, selection: selection, ctx)
        guard case .embedding = measure else { return .host(ShotsObject(selector)) }
        return .host(
            ShotsObject(
                try located(args.range(of: "measure")) {
                    try ShotSelector(pool: pool, k: k, selection: selection, seed: try args.seed(), measure: measure)
                }))
    }

    static let render = Builtin(
        "render",
        [
            P("prompt", .host("prompt")), P("record", .any, default: .nil), P("shots", .optional(.host("shots")), default: .nil),
        ], category: "loop",
        doc: """
            Shows the exact messages a prompt sends for one record: the system message, each shot
            as a user/assistant pair, then the query. `.text` is the same as one plain text.
            Example: render(p, {text: "the battery died in an hour"}, shots: s)
            """
    ) { args, _ in
        let template = try args.host("prompt", as: PromptObject.self).template
        let record: Row
        switch args["record"] {
        case .nil: record = Row()
        case .record(let r): record = try Row(r)
        default: throw args.error("record", "record must be a record, got \(args["record"].typeName)")
        }
        let shotRows = try (args.optional("shots").flatMap { $0.hostObject as? ShotsObject })?.shots(for: record) ?? []
        let rendered = try located(args.range(of: "record")) { try template.render(record, shots: shotRows) }
        return .host(RenderedObject(rendered))
    }
}

extension Value {
    /// The host object inside, if this is one.
    var hostObject: (any HostObject)? {
        if case .host(let object) = self { return object }
        return nil
    }
}
