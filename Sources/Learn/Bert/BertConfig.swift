import Foundation
import SafeFiles

/// The shape of a BERT-family encoder, as Hugging Face's `config.json` gives it.
///
/// all-MiniLM-L6-v2: 6 layers, width 384, 12 heads, feed-forward 1536, vocabulary 30,522,
/// 512 positions, 2 token types, LayerNorm epsilon 1e-12.
public struct BertConfig: Equatable, Sendable {
    /// `vocab_size`
    public var vocabSize: Int
    /// `hidden_size` (C)
    public var width: Int
    /// `num_hidden_layers`
    public var layers: Int
    /// `num_attention_heads` (nh)
    public var heads: Int
    /// `intermediate_size`
    public var intermediate: Int
    /// `max_position_embeddings`
    public var maxPositions: Int
    /// `type_vocab_size`
    public var typeVocabSize: Int
    /// `layer_norm_eps`
    public var layerNormEps: Float

    /// A configuration from its values.
    public init(
        vocabSize: Int, width: Int, layers: Int, heads: Int, intermediate: Int, maxPositions: Int,
        typeVocabSize: Int = 2, layerNormEps: Float = 1e-12
    ) {
        self.vocabSize = vocabSize
        self.width = width
        self.layers = layers
        self.heads = heads
        self.intermediate = intermediate
        self.maxPositions = maxPositions
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
    }

    /// all-MiniLM-L6-v2's shape.
    public static let miniLML6 = BertConfig(
        vocabSize: 30_522, width: 384, layers: 6, heads: 12, intermediate: 1536, maxPositions: 512)

    /// Reads a Hugging Face `config.json` of a BERT model with absolute positions and exact GELU.
    public init(path: String) throws {
        let name = (path as NSString).lastPathComponent
        func bad(_ why: String) -> LearnError { LearnError.checkpoint("\(name): \(why)") }
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(path, limit: 1 << 20)
        } catch {
            throw LearnError.checkpoint("cannot read the model config: \(error)")
        }
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw bad("not a JSON object")
        }
        func int(_ key: String) throws -> Int {
            guard let v = json[key] as? Int else { throw bad("\(key) is missing or not a whole number") }
            return v
        }
        if let type = json["model_type"] as? String, type != "bert" { throw bad("model_type \(type) is not bert") }
        if let act = json["hidden_act"] as? String, act != "gelu" { throw bad("hidden_act \(act) is not gelu") }
        if let pos = json["position_embedding_type"] as? String, pos != "absolute" {
            throw bad("position_embedding_type \(pos) is not absolute")
        }
        self.init(
            vocabSize: try int("vocab_size"), width: try int("hidden_size"), layers: try int("num_hidden_layers"),
            heads: try int("num_attention_heads"), intermediate: try int("intermediate_size"),
            maxPositions: try int("max_position_embeddings"), typeVocabSize: (json["type_vocab_size"] as? Int) ?? 2,
            layerNormEps: ((json["layer_norm_eps"] as? NSNumber)?.floatValue) ?? 1e-12)
        try validate()
    }

    /// Throws unless every size is positive and the heads divide the width.
    public func validate() throws {
        let sizes = [vocabSize, width, layers, heads, intermediate, maxPositions, typeVocabSize]
        guard sizes.allSatisfy({ $0 > 0 }), width % heads == 0 else {
            throw LearnError.invalidConfig(
                "BERT sizes must be positive and the \(heads) heads must divide the width \(width): \(self)")
        }
    }
}
