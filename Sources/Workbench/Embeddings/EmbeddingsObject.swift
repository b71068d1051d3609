import Foundation
import Language
import Learn

/// What `embed` returns: one unit-length vector (384 numbers, all-MiniLM-L6-v2) per text.
///
/// It prints as one line rather than 384 numbers a row; `e.vectors` is the list of float
/// lists, `e.texts` the texts, `len(e)` their number. `similarity` and `nearest` take it
/// wherever they take texts.
final class EmbeddingsObject: HostObject {
    /// The texts, in order.
    let texts: [String]
    /// Their unit vectors, in the same order.
    let vectors: [[Float]]

    init(texts: [String], vectors: [[Float]]) {
        self.texts = texts
        self.vectors = vectors
    }

    var typeName: String { "embeddings" }

    var length: Int? { texts.count }

    var summary: String {
        "embeddings(\(texts.count) text\(texts.count == 1 ? "" : "s") x \(vectors.first?.count ?? 0), \(SentenceEncoder.modelName), unit length)"
    }

    /// The first texts with the first values of their vectors.
    var display: String? {
        var lines = [summary]
        for (text, v) in zip(texts, vectors).prefix(5) {
            let head = v.prefix(4).map { String(format: "%.4f", $0) }.joined(separator: ", ")
            let shown = text.count > 40 ? String(text.prefix(39)) + "…" : text
            lines.append("  \(shown.debugDescription): [\(head), ...]")
        }
        if texts.count > 5 { lines.append("  ... \(texts.count - 5) more") }
        return lines.joined(separator: "\n")
    }

    var fieldNames: [String] { ["vectors", "texts", "count", "dimension", "model"] }

    func field(_ name: String) -> Value? {
        switch name {
        case "vectors": return .list(ValueList(vectors.map { v in .list(ValueList(v.map { .float(Double($0)) })) }))
        case "texts": return .list(ValueList(texts.map { .string($0) }))
        case "count": return .int(texts.count)
        case "dimension": return .int(vectors.first?.count ?? 0)
        case "model": return .string(SentenceEncoder.modelName)
        default: return nil
        }
    }
}
