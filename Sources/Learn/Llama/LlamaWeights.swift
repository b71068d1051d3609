import Tensor

/// The weights of one transformer block, kept in their GGUF storage formats.
struct LlamaBlockWeights {
    let attentionNorm: [Float]  // (C)
    let query: QuantizedMatrix  // (nh*hs, C)
    let key: QuantizedMatrix  // (nkv*hs, C)
    let value: QuantizedMatrix  // (nkv*hs, C)
    let output: QuantizedMatrix  // (C, nh*hs)
    let mlpNorm: [Float]  // (C)
    let gate: QuantizedMatrix  // (F, C)
    let up: QuantizedMatrix  // (F, C)
    let down: QuantizedMatrix  // (C, F)
}

/// All weights of a Llama-family model. Quantised matrices point into the mapped file.
struct LlamaWeights {
    let embedding: QuantizedMatrix  // (V, C)
    let blocks: [LlamaBlockWeights]
    let outputNorm: [Float]  // (C)
    let output: QuantizedMatrix  // (V, C), the embedding itself when tied
    let tiedOutput: Bool

    init(file: GGUFFile, config c: LlamaConfig) throws {
        func matrix(_ name: String, rows: Int, columns: Int) throws -> QuantizedMatrix {
            let info = try file.tensor(name)
            guard info.shape.count == 2, info.shape[0] == columns, info.shape[1] == rows else {
                throw LlamaError.badTensor("\(name) has shape \(info.shape), expected [\(columns), \(rows)]")
            }
            do {
                return try QuantizedMatrix(rows: rows, columns: columns, type: info.type, data: file.data(info), owner: file)
            } catch {
                throw GGUFError.unsupportedTensorType(tensor: name, type: info.type.name)
            }
        }
        func vector(_ name: String, _ count: Int) throws -> [Float] {
            let v = try file.floats(name)
            guard v.count == count else { throw LlamaError.badTensor("\(name) has \(v.count) values, expected \(count)") }
            return v
        }
        let C = c.embeddingLength, F = c.feedForwardLength, q = c.headCount * c.headDimension, kv = c.kvDimension
        embedding = try matrix("token_embd.weight", rows: c.vocabularySize, columns: C)
        blocks = try (0..<c.layerCount).map { i in
            let p = "blk.\(i)."
            return LlamaBlockWeights(
                attentionNorm: try vector(p + "attn_norm.weight", C),
                query: try matrix(p + "attn_q.weight", rows: q, columns: C),
                key: try matrix(p + "attn_k.weight", rows: kv, columns: C),
                value: try matrix(p + "attn_v.weight", rows: kv, columns: C),
                output: try matrix(p + "attn_output.weight", rows: C, columns: q),
                mlpNorm: try vector(p + "ffn_norm.weight", C),
                gate: try matrix(p + "ffn_gate.weight", rows: F, columns: C),
                up: try matrix(p + "ffn_up.weight", rows: F, columns: C),
                down: try matrix(p + "ffn_down.weight", rows: C, columns: F))
        }
        outputNorm = try vector("output_norm.weight", C)
        tiedOutput = !file.hasTensor("output.weight")
        output = tiedOutput ? embedding : try matrix("output.weight", rows: c.vocabularySize, columns: C)
    }
}
