/// How `similar` and `diverse` shots measure how alike two texts are.
public enum ShotMeasure: Sendable {
    /// Cosine of TF-IDF vectors over the pool's words: surface words, no model needed.
    case tfidf
    /// Cosine of sentence embeddings (unit vectors): meaning, including paraphrases that share
    /// no word. `pool` holds one vector per pool row, in order; `embed` gives a query's.
    case embedding(name: String, pool: [[Float]], embed: @Sendable (String) throws -> [Float])

    /// The words a display uses for it: "TF-IDF cosine", "all-MiniLM-L6-v2 embedding cosine".
    public var description: String {
        switch self {
        case .tfidf: return "TF-IDF cosine"
        case .embedding(let name, _, _): return "\(name) embedding cosine"
        }
    }

    /// The dot product of two unit vectors (their cosine), summed in index order.
    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        var s: Float = 0
        for i in 0..<min(a.count, b.count) { s += a[i] * b[i] }
        return Double(s)
    }
}
