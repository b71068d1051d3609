import Datasets
import Language
import Learn

/// Sentence embeddings: `embed`, `similarity` and `nearest`, on all-MiniLM-L6-v2 running
/// inside fewshot (installed by scripts/setup).
enum EmbeddingBuiltins {
    typealias P = BuiltinParameter

    static let all = [embed, similarity, nearest]

    static let embed = Builtin(
        "embed", [P("data"), P("on", .string, default: .string("text"))], category: "embeddings",
        doc: """
            Sentence embeddings: one unit-length vector of 384 numbers per text, from
            all-MiniLM-L6-v2 running inside fewshot (offline; scripts/setup installs it), the
            same vectors sentence-transformers gives. Takes a text, a list of texts, or a
            dataset and the column `on:` names (default "text"). Returns an `embeddings` value:
            e.vectors is the list of vectors, e.texts the texts, len(e) their number.
            Texts longer than 256 word pieces are cut there. A text embedded once in the session
            is not embedded again.
            Example: let e = embed(tweets, on: "text")
                     let v = embed(["a cat sat", "a kitten sat"]).vectors
            """
    ) { args, ctx in
        let texts = try EmbeddingBuiltins.texts(args, "data", column: try args.string("on"))
        let model = try EmbeddingModel.shared(args, parameter: "data")
        return .host(EmbeddingsObject(texts: texts, vectors: try model.embed(texts, ctx)))
    }

    static let similarity = Builtin(
        "similarity", [P("a"), P("b")], category: "embeddings",
        doc: """
            Cosine similarity of sentence embeddings, from -1 to 1 (1: the same meaning).
            Each side is a text, a vector (a list of numbers), a list of texts or vectors, or
            an embeddings value. One against one gives a number; one against many, a list;
            many against many, a list of lists (a row per item of a).
            Example: similarity("the car drives itself", "an autonomous vehicle")
                     similarity(embed(tweets), "I love my new car")
            """
    ) { args, ctx in
        let a = try EmbeddingBuiltins.vectors(args, "a", ctx), b = try EmbeddingBuiltins.vectors(args, "b", ctx)
        guard a.vectors.first?.count == b.vectors.first?.count || a.vectors.isEmpty || b.vectors.isEmpty else {
            throw args.error(
                "b",
                "vectors of \(b.vectors.first?.count ?? 0) numbers cannot be compared with vectors of \(a.vectors.first?.count ?? 0)"
            )
        }
        func row(_ v: [Float]) -> Value {
            b.single
                ? .float(cosine(v, b.vectors[0]))
                : .list(ValueList(b.vectors.map { .float(cosine(v, $0)) }))
        }
        return a.single ? row(a.vectors[0]) : .list(ValueList(a.vectors.map(row)))
    }

    static let nearest = Builtin(
        "nearest",
        [
            P("data"), P("query"), P("k", .int, default: .int(5), bounds: .atLeast(1)),
            P("on", .string, default: .string("text")),
        ],
        category: "embeddings",
        doc: """
            The k rows of a dataset whose `on:` column (default "text") means most nearly what
            the query says (a text or a vector), by the cosine similarity of their sentence
            embeddings, most similar first (ties in row order), with a `similarity` column.
            Example: nearest(tweets, "worried about safety", k: 3)
            """
    ) { args, ctx in
        let data = try args.dataset("data")
        let column = try args.string("on")
        let texts = try EmbeddingBuiltins.texts(args, "data", column: column)
        let query = try EmbeddingBuiltins.vectors(args, "query", ctx)
        guard query.single else { throw args.error("query", "nearest takes one query: a text or a vector") }
        let model = try EmbeddingModel.shared(args, parameter: "data")
        let rows = try model.embed(texts, ctx)
        guard rows.isEmpty || rows[0].count == query.vectors[0].count else {
            throw args.error("query", "a query vector must have \(rows[0].count) numbers, got \(query.vectors[0].count)")
        }
        let scores = rows.map { cosine($0, query.vectors[0]) }
        let order = scores.indices.sorted { (scores[$0], -$0) > (scores[$1], -$1) }
        let picked = order.prefix(try args.int("k")).map { i -> Row in
            var row = data.rows[i]
            row.fields["similarity"] = .double(scores[i])
            return row
        }
        let result = try data.labelColumn.map { try Dataset(picked, labelColumn: $0) } ?? Dataset(picked)
        return .host(DatasetObject(result))
    }

    /// The cosine similarity of two vectors of one length, the sums taken in index order in
    /// Double (0 when either vector is zero).
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, aa = 0.0, bb = 0.0
        for i in 0..<min(a.count, b.count) {
            let x = Double(a[i]), y = Double(b[i])
            dot += x * y
            aa += x * x
            bb += y * y
        }
        let denominator = (aa * bb).squareRoot()
        return denominator > 0 ? dot / denominator : 0
    }

    /// The texts an argument holds: a text, a list of texts, or a dataset's `column`.
    static func texts(_ args: Arguments, _ name: String, column: String) throws -> [String] {
        switch args[name] {
        case .string(let s): return [s]
        case .host(let e as EmbeddingsObject): return e.texts
        case .host(let d as DatasetObject):
            guard d.dataset.isEmpty || d.dataset.schema.column(column) != nil else {
                let shown = column.count > 40 ? String(column.prefix(40)) + "…" : column
                throw args.error(
                    name,
                    "the dataset has no column '\(shown)' (columns: \(d.dataset.schema.names.joined(separator: ", "))); name one with on:"
                )
            }
            return d.dataset.rows.map { $0[column]?.text ?? "" }
        case .list(let items):
            return try items.enumerated().map { i, item in
                guard case .string(let s) = item else {
                    throw args.error(name, "argument '\(name)' must hold texts, but item \(i) is a \(item.typeName)")
                }
                return s
            }
        default:
            throw args.error(name, "argument '\(name)' must be a text, a list of texts or a dataset, got \(args[name].typeName)")
        }
    }

    /// The vectors an argument stands for, and whether it is a single item.
    static func vectors(_ args: Arguments, _ name: String, _ ctx: CallContext) throws -> (
        vectors: [[Float]], single: Bool
    ) {
        func numbers(_ items: ValueList) -> [Float]? {
            var out: [Float] = []
            for item in items {
                switch item {
                case .int(let i): out.append(Float(i))
                case .float(let d) where Float(d).isFinite: out.append(Float(d))
                default: return nil
                }
            }
            return out
        }
        switch args[name] {
        case .host(let e as EmbeddingsObject): return (e.vectors, false)
        case .list(let items) where !items.isEmpty:
            if let v = numbers(items) { return ([v], true) }
            let isNumber = { (item: Value) -> Bool in
                switch item {
                case .int, .float: return true
                default: return false
                }
            }
            if items.allSatisfy(isNumber) {
                throw args.error(name, "a vector's values must be finite numbers within Float's range (about 3.4e38)")
            }
            if items.allSatisfy({ if case .list = $0 { return true } else { return false } }) {
                let vs = items.compactMap { item -> [Float]? in
                    if case .list(let inner) = item { return numbers(inner) }
                    return nil
                }
                guard vs.count == items.count, Set(vs.map(\.count)).count == 1, vs[0].count > 0 else {
                    throw args.error(name, "argument '\(name)' must be vectors of finite numbers, all of one length")
                }
                return (vs, false)
            }
        case .list:
            throw args.error(name, "argument '\(name)' is an empty list")
        default: break
        }
        let strings = try Self.texts(args, name, column: "text")
        let single: Bool
        if case .string = args[name] { single = true } else { single = false }
        return (try EmbeddingModel.shared(args, parameter: name).embed(strings, ctx), single)
    }
}
