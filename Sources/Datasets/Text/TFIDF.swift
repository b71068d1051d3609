import PortableMath

/// TF-IDF vectors of a collection of texts, L2-normalised, for cosine similarity
/// (smoothed idf: `ln((1 + N) / (1 + df)) + 1`, as scikit-learn's default).
public struct TFIDFIndex: Sendable {
    /// A sparse vector: sorted term ids with weights.
    public typealias Vector = [(term: Int32, weight: Double)]

    private var vocabulary = Vocabulary()
    private var idf: [Double] = []
    /// One vector per indexed text, in order.
    public private(set) var vectors: [Vector] = []

    /// Indexes `texts`.
    public init(_ texts: [String]) {
        let docs = texts.map { vocabulary.encode($0) }
        var df = [Int](repeating: 0, count: vocabulary.count)
        for d in docs { for t in Set(d) { df[Int(t)] += 1 } }
        let n = Double(docs.count)
        idf = df.map { Reproducible.log((1 + n) / (1 + Double($0))) + 1 }
        vectors = docs.map(weigh)
    }

    /// The vector of a new text in this index's vocabulary (unknown words are ignored).
    public func vector(_ text: String) -> Vector {
        weigh(TextTokens.words(text).compactMap { vocabulary.existingID($0) })
    }

    private func weigh(_ ids: [Int32]) -> Vector {
        var counts: [Int32: Int] = [:]
        for t in ids { counts[t, default: 0] += 1 }
        var v = counts.map { (term: $0.key, weight: Double($0.value) * idf[Int($0.key)]) }.sorted { $0.term < $1.term }
        let norm = v.reduce(0) { $0 + $1.weight * $1.weight }.squareRoot()
        if norm > 0 { for i in v.indices { v[i].weight /= norm } }
        return v
    }

    /// Cosine similarity of two normalised vectors.
    public static func cosine(_ a: Vector, _ b: Vector) -> Double {
        var i = 0
        var j = 0
        var sum = 0.0
        while i < a.count, j < b.count {
            if a[i].term == b[j].term {
                sum += a[i].weight * b[j].weight
                i += 1
                j += 1
            } else if a[i].term < b[j].term {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }
}
