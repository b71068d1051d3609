import Datasets
import Language

/// `filter` and its companions `report` and `rejected`: cleaning what the teacher wrote.
enum FilterBuiltins {
    typealias P = BuiltinParameter

    /// This `filter` replaces the list one: with a plain list and only a `where:` predicate it
    /// still returns a plain list, with the same errors.
    static let all = [filter, report, rejected]

    static let filter: Builtin = {
        Builtin(
            "filter",
            [
                P("data"), P("where", .optional(.function), default: .nil),
                P("dedupe", .bool, default: false), P("near_dup", .optional(.number), default: .nil, bounds: .between(0, 1)),
                P("semantic_dup", .optional(.number), default: .nil, bounds: .between(0, 1)),
                P("min_words", .optional(.int), default: .nil, bounds: .atLeast(0)),
                P("max_words", .optional(.int), default: .nil, bounds: .atLeast(0)),
                P("min_chars", .optional(.int), default: .nil, bounds: .atLeast(0)),
                P("max_chars", .optional(.int), default: .nil, bounds: .atLeast(0)),
                P("labels", .optional(.list), default: .nil), P("required", .optional(.list), default: .nil),
                P("confidence", .optional(.number), default: .nil, bounds: .between(0, 1)),
                P("blocklist", .optional(.list), default: .nil), P("regex", .optional(.string), default: .nil),
                P("contains", .optional(.string), default: .nil),
                P("decontaminate", .any, default: .nil), P("shots", .optional(.host("shots")), default: .nil),
                P("preset", .optional(.string), default: .nil), P("on", .optional(.string), default: .nil),
            ], category: "loop",
            doc: """
                Keeps the rows that pass every rule given, and remembers which rule dropped each
                other row (see report(result)). Rules run in this order:
                  preset: "self-instruct"   Self-Instruct's filters (length, keywords, duplicates)
                  required: ["text"]        rows must have these fields
                  labels: ["pos", "neg"]    the label must be one of these
                  confidence: 0.8           the teacher's confidence must be at least this
                                            (rows labelled with scoring: "likelihood")
                  min_words/max_words, min_chars/max_chars   length bounds
                  blocklist: ["image"]      no row mentioning these words
                  regex: "^User:"           the text must match; contains: "aha cheers !" likewise
                  where: fn(r) => ...       any predicate
                  dedupe: true              exact duplicates (normalised text)
                  near_dup: 0.7             near-duplicates by ROUGE-L F (MinHash/LSH candidates)
                  semantic_dup: 0.9         paraphrases: all-MiniLM-L6-v2 embedding cosine ≥ 0.9
                                            with a kept row (random-hyperplane LSH candidates,
                                            each checked exactly; recall about 0.95 at the
                                            threshold, higher above it)
                  decontaminate: test       13-gram overlap with an evaluation set
                  shots: s                  near-copies of the seed shots (shot leakage)
                on: "text" makes text rules look at one field (default: every text field but the label).
                regex: is found anywhere in the text and runs in linear time (no pattern can hang);
                its syntax is RE2's core: . [a-z] [^...] \\d \\w \\s \\b ^ $ ( ) (?: ) | * + ? {n,m},
                flags (?i) (?s) (?m); no backreferences or lookaround.
                With a plain list and only where:, this is the ordinary list filter.
                Example: let clean = filter(data, dedupe: true, near_dup: 0.7, min_words: 3, labels: ["positive", "negative"])
                """
        ) { args, ctx in
            if case .list(let items) = args["data"], case .function(let keep)? = args.optional("where"), onlyPredicate(args) {
                // A plain list with only a predicate: the ordinary list filter.
                return .list(
                    try items.filter { item in
                        let verdict = try ctx.call(keep, [item])
                        guard case .bool(let kept) = verdict else {
                            throw args.error("where", "the 'where' function must return a bool, got \(verdict.typeName)")
                        }
                        return kept
                    })
            }
            let data = try args.dataset("data")
            let rules = try located(ctx.callRange) { try buildRules(args, ctx, data: data) }
            guard !rules.isEmpty else {
                throw RuntimeError(
                    "filter needs at least one rule (dedupe:, near_dup:, labels:, where:, ...); help(\"filter\") lists them",
                    at: ctx.callRange)
            }
            let result = try located(ctx.callRange) { try data.filter(rules) }
            let funnel = result.report()
            return .host(DatasetObject(result.kept, rejected: droppedRows(result), funnelReport: funnel))
        }
    }()

    private static let ruleNames = [
        "dedupe", "near_dup", "semantic_dup", "min_words", "max_words", "min_chars", "max_chars", "labels", "required",
        "confidence",
        "blocklist", "regex", "contains", "decontaminate", "shots", "preset",
    ]

    private static func onlyPredicate(_ args: Arguments) -> Bool {
        args.optional("where") != nil
            && ruleNames.allSatisfy { name in
                name == "dedupe" ? (try? args.bool("dedupe")) == false : args.optional(name) == nil
            }
    }

    /// The rules asked for, in the documented order.
    private static func buildRules(_ args: Arguments, _ ctx: CallContext, data: Dataset) throws -> [FilterRule] {
        let source: TextSource = try args.optional("on").map { _ in .field(try args.string("on")) } ?? .allText
        var rules: [FilterRule] = []
        if args.optional("preset") != nil { rules += try FilterRule.preset(try args.string("preset"), on: source) }
        if args.optional("required") != nil { rules.append(.requiredFields(try strings(args, "required"))) }
        if args.optional("labels") != nil { rules.append(.allowedLabels(try strings(args, "labels"))) }
        if args.optional("confidence") != nil {
            guard data.rows.isEmpty || data.rows.contains(where: { $0["confidence"]?.doubleValue != nil }) else {
                throw args.error(
                    "confidence",
                    "confidence: needs a 'confidence' column, which generate(..., label: rows, scoring: \"likelihood\") writes")
            }
            rules.append(.minimumConfidence(try args.double("confidence")))
        }
        let minWords = try optionalInt(args, "min_words"), maxWords = try optionalInt(args, "max_words")
        if minWords != nil || maxWords != nil {
            rules.append(try .length(min: minWords, max: maxWords, unit: .words, on: source))
        }
        let minChars = try optionalInt(args, "min_chars"), maxChars = try optionalInt(args, "max_chars")
        if minChars != nil || maxChars != nil {
            rules.append(try .length(min: minChars, max: maxChars, unit: .characters, on: source))
        }
        if args.optional("blocklist") != nil { rules.append(.blocklist(try strings(args, "blocklist"), on: source)) }
        if args.optional("regex") != nil { rules.append(try .regex(try args.string("regex"), on: source)) }
        if args.optional("contains") != nil {
            rules.append(try .regex(RegexEscaping.escape(try args.string("contains")), on: source))
        }
        if case .function(let predicate)? = args.optional("where") {
            rules.append(
                .predicate { row in
                    let verdict = try ctx.call(predicate, [.record(Record(row))])
                    guard case .bool(let keep) = verdict else {
                        throw RuntimeError(
                            "where: must return true or false, got \(verdict.typeName)", at: args.range(of: "where"))
                    }
                    return keep
                })
        }
        if try args.bool("dedupe") { rules.append(.exactDuplicates(on: source)) }
        if args.optional("near_dup") != nil { rules.append(.nearDuplicates(threshold: try args.double("near_dup"), on: source)) }
        if args.optional("semantic_dup") != nil {
            let model = try EmbeddingModel.shared(args, parameter: "semantic_dup")
            rules.append(
                .semanticDuplicates(threshold: try args.double("semantic_dup"), on: source) { try model.embed($0, ctx) })
        }
        if args.optional("decontaminate") != nil {
            let evaluation = try args.dataset("decontaminate")
            rules.append(
                .decontaminate(
                    against: evaluation.rows.map { $0.text(excluding: Set([evaluation.labelColumn].compactMap { $0 })) },
                    on: source))
        }
        if case .host(let shots as ShotsObject)? = args.optional("shots"), let selector = shots.selector {
            rules.append(.shotLeakage(selector.pool.rows, on: source))
        }
        return rules
    }

    private static func optionalInt(_ args: Arguments, _ name: String) throws -> Int? {
        args.optional(name) == nil ? nil : try args.int(name)
    }

    private static func strings(_ args: Arguments, _ name: String) throws -> [String] {
        try args.list(name).map { value in
            guard case .string(let s) = value else { throw args.error(name, "\(name): must be a list of strings") }
            return s
        }
    }

    private static func droppedRows(_ result: FilterResult) -> Dataset {
        Dataset(
            result.dropped.map { dropped in
                var row = dropped.row
                row.fields["dropped_by"] = .string(dropped.rule)
                row.fields["reason"] = .string(dropped.reason)
                return row
            })
    }

    static let report = Builtin(
        "report", [P("data", .host("dataset"))], category: "loop",
        doc: """
            Prints the funnel of a filtered dataset: rows in, rows each rule dropped (with an
            example), rows out.
            Example: report(clean)
            """
    ) { args, ctx in
        let data = try args.host("data", as: DatasetObject.self)
        guard let funnel = data.funnelReport else {
            throw args.error("data", "this dataset did not come from filter(), so it has no funnel to report")
        }
        ctx.write(funnel.hasSuffix("\n") ? funnel : funnel + "\n")
        return .nil
    }

    static let rejected = Builtin(
        "rejected", [P("data", .host("dataset"))], category: "loop",
        doc: """
            What was left out of a dataset: the teacher replies generate() could not parse (with
            the reason and the raw reply), or the rows filter() dropped (with the rule).
            Example: rejected(data)
            """
    ) { args, _ in
        let data = try args.host("data", as: DatasetObject.self)
        return .host(DatasetObject(data.rejected ?? Dataset([])))
    }
}

/// Escapes a literal string for use inside a regular expression.
enum RegexEscaping {
    static func escape(_ literal: String) -> String {
        var out = ""
        for ch in literal {
            if "\\^$.|?*+()[]{}".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
