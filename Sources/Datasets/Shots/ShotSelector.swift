/// How few-shot examples are picked from a pool.
public enum ShotSelection: String, CaseIterable, Hashable, Sendable {
    /// The first k rows.
    case first
    /// k rows drawn at random (seeded).
    case random
    /// Per query, the k rows most similar to it (by the selector's `ShotMeasure`).
    case similar
    /// k rows that cover the pool: maximal marginal relevance (relevance to the query, or to
    /// the pool's centre without one, against similarity to the rows already chosen).
    case diverse
    /// k rows covering every label in turn (seeded within each label).
    case balanced

    /// The mode named `name`.
    /// - Throws: `DatasetError` listing the modes.
    public init(named name: String) throws {
        guard let s = ShotSelection(rawValue: name.lowercased()) else {
            throw DatasetError(
                "unknown shot selection '\(name)': expected \(ShotSelection.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))"
            )
        }
        self = s
    }

    /// True when the shots depend on the query (they are chosen again for each input).
    public var perQuery: Bool { self == .similar }
}

/// Picks k worked examples from a pool of records; the same seed always gives the same shots.
///
/// ```swift
/// let selector = try ShotSelector(pool: tweets, k: 3, selection: .balanced, seed: 7)
/// let shots = try selector.select()                        // one of each label
/// let near = try ShotSelector(pool: tweets, k: 3, selection: .similar).select(for: ["text": "cars drive themselves"])
/// ```
public struct ShotSelector: Sendable {
    /// The rows shots are taken from.
    public let pool: Dataset
    /// How many shots.
    public let k: Int
    /// How they are picked.
    public let selection: ShotSelection
    /// The seed for `random` and `balanced`.
    public let seed: UInt64
    /// The MMR trade-off for `diverse`: 1 is pure relevance, 0 pure novelty.
    public let lambda: Double
    /// How `similar` and `diverse` compare texts.
    public let measure: ShotMeasure
    private let index: TFIDFIndex?
    private let excluded: Set<String>

    /// A selector over `pool`. Similarity uses the rows' text without the label column
    /// (`textsToMeasure`), by `measure`.
    /// - Throws: `DatasetError` when k is not in 1...pool size, or `balanced` has no label column
    ///   or fewer shots than labels, or an embedding measure has not one vector per pool row.
    public init(
        pool: Dataset, k: Int, selection: ShotSelection, seed: UInt64 = 0, lambda: Double = 0.5,
        measure: ShotMeasure = .tfidf
    ) throws {
        guard k >= 1 else { throw DatasetError("k must be at least 1, got \(k)") }
        guard k <= pool.count else { throw DatasetError("cannot pick \(k) shots from \(pool.count) rows") }
        if selection == .balanced {
            guard pool.labelColumn != nil else {
                throw DatasetError("balanced shots need a label column (a column named 'label', or withLabel(...))")
            }
            let labels = pool.labels.count
            guard k >= labels else { throw DatasetError("balanced shots need k ≥ the \(labels) labels, got k = \(k)") }
        }
        self.pool = pool
        self.k = k
        self.selection = selection
        self.seed = seed
        self.lambda = lambda
        self.measure = measure
        excluded = Set(pool.labelColumn.map { [$0] } ?? [])
        let excluded = self.excluded
        let measured = selection == .similar || selection == .diverse
        if case .embedding(_, let vectors, _) = measure, measured, vectors.count != pool.count {
            throw DatasetError("\(vectors.count) embeddings for a pool of \(pool.count) rows")
        }
        if case .tfidf = measure, measured {
            index = TFIDFIndex(pool.rows.map { $0.text(excluding: excluded) })
        } else {
            index = nil
        }
    }

    /// The text of each pool row that `similar` and `diverse` compare (the label column left out).
    public static func textsToMeasure(_ pool: Dataset) -> [String] {
        let excluded = Set(pool.labelColumn.map { [$0] } ?? [])
        return pool.rows.map { $0.text(excluding: excluded) }
    }

    /// The shots for `query` (needed by `similar`; `diverse` uses it when given). A query that is
    /// itself in the pool (same text) is never its own shot.
    /// - Throws: `DatasetError` when `similar` has no query.
    public func select(for query: Row? = nil) throws -> [Row] {
        try indices(for: query).map { pool.rows[$0] }
    }

    /// The pool positions of the shots for `query`.
    public func indices(for query: Row? = nil) throws -> [Int] {
        let all = Array(pool.rows.indices)
        switch selection {
        case .first: return Array(all.prefix(k))
        case .random:
            var rng = SplitMix64(seed: seed)
            return Array(rng.shuffled(all).prefix(k))
        case .balanced: return balanced()
        case .similar:
            guard let query else { throw DatasetError("similar shots are picked per input: give the query record") }
            let (relevance, candidates) = try queryRelevance(query)
            let scored = candidates.map { (i: $0, s: relevance[$0]) }
            return scored.sorted { $0.s != $1.s ? $0.s > $1.s : $0.i < $1.i }.prefix(k).map(\.i)
        case .diverse: return try diverse(query)
        }
    }

    /// The query's similarity to every pool row, and the rows it may take shots from (not
    /// itself, unless too few rows are left without it).
    private func queryRelevance(_ query: Row) throws -> ([Double], [Int]) {
        let text = query.text(excluding: excluded)
        let same = TextTokens.normalized(text)
        let candidates = pool.rows.indices.filter { TextTokens.normalized(pool.rows[$0].text(excluding: excluded)) != same }
        // Too few rows left after excluding the query itself: allow it back.
        let allowed = candidates.count >= k ? candidates : Array(pool.rows.indices)
        switch measure {
        case .tfidf:
            let q = index!.vector(text)
            return (index!.vectors.map { TFIDFIndex.cosine(q, $0) }, allowed)
        case .embedding(_, let vectors, let embed):
            let q = try embed(text)
            return (vectors.map { ShotMeasure.dot(q, $0) }, allowed)
        }
    }

    /// The similarity of pool rows `i` and `j`.
    private func similarity(_ i: Int, _ j: Int) -> Double {
        switch measure {
        case .tfidf: return TFIDFIndex.cosine(index!.vectors[i], index!.vectors[j])
        case .embedding(_, let vectors, _): return ShotMeasure.dot(vectors[i], vectors[j])
        }
    }

    /// Each pool row's closeness to the pool's centre (its mean vector).
    private func centreRelevance() -> [Double] {
        switch measure {
        case .tfidf:
            let vectors = index!.vectors
            var centre: [Int32: Double] = [:]
            for v in vectors { for (t, w) in v { centre[t, default: 0] += w / Double(vectors.count) } }
            return vectors.map { v in v.reduce(0) { $0 + $1.weight * (centre[$1.term] ?? 0) } }
        case .embedding(_, let vectors, _):
            var centre = [Float](repeating: 0, count: vectors.first?.count ?? 0)
            for v in vectors { for d in centre.indices where d < v.count { centre[d] += v[d] / Float(vectors.count) } }
            return vectors.map { ShotMeasure.dot($0, centre) }
        }
    }

    private func balanced() -> [Int] {
        var rng = SplitMix64(seed: seed)
        let labels = pool.labels
        var queues = labels.map { label in rng.shuffled(pool.rows.indices.filter { pool.label(of: pool.rows[$0]) == label }) }
        var out: [Int] = []
        while out.count < k {
            var progressed = false
            for l in queues.indices where out.count < k && !queues[l].isEmpty {
                out.append(queues[l].removeFirst())
                progressed = true
            }
            if !progressed {
                // Unlabelled rows fill what the labels cannot.
                let rest = rng.shuffled(pool.rows.indices.filter { !out.contains($0) })
                out += rest.prefix(k - out.count)
            }
        }
        return out
    }

    private func diverse(_ query: Row?) throws -> [Int] {
        var candidates = Array(pool.rows.indices)
        let relevance: [Double]
        if let query {
            (relevance, candidates) = try queryRelevance(query)
        } else {
            // Without a query, relevance is closeness to the pool's centre (its mean vector).
            relevance = centreRelevance()
        }
        var chosen: [Int] = []
        var maxSim = [Double](repeating: 0, count: pool.count)
        while chosen.count < k {
            var best = -1
            var bestScore = -Double.infinity
            for i in candidates where !chosen.contains(i) {
                let score = lambda * relevance[i] - (1 - lambda) * maxSim[i]
                if score > bestScore { best = i; bestScore = score }
            }
            chosen.append(best)
            for i in candidates { maxSim[i] = max(maxSim[i], similarity(i, best)) }
        }
        return chosen
    }
}
