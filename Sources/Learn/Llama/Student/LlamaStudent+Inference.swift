import Tensor

extension LlamaStudent {
    /// The in-process Llama with this student's current weights (LoRA adapters merged in, f32),
    /// the base model's tokenizer and chat template: streamed, KV-cached generation exactly as
    /// the local teacher runs. Later training does not reach a model already made.
    public func inferenceModel() throws -> LlamaModel {
        func matrix(_ values: [Float], rows: Int) throws -> QuantizedMatrix {
            let buffer = DenseBuffer(values)
            return try QuantizedMatrix(rows: rows, columns: values.count / rows, type: .f32, data: buffer.pointer, owner: buffer)
        }
        let c = config
        let embed = try matrix(embedding.data, rows: c.vocabularySize)
        let blockWeights = try blocks.map { b in
            LlamaBlockWeights(
                attentionNorm: b.inputNorm.weight.data,
                query: try matrix(b.query.mergedWeight(), rows: b.query.weight.shape[0]),
                key: try matrix(b.key.mergedWeight(), rows: b.key.weight.shape[0]),
                value: try matrix(b.value.mergedWeight(), rows: b.value.weight.shape[0]),
                output: try matrix(b.output.mergedWeight(), rows: b.output.weight.shape[0]),
                mlpNorm: b.postAttentionNorm.weight.data,
                gate: try matrix(b.gate.mergedWeight(), rows: b.gate.weight.shape[0]),
                up: try matrix(b.up.mergedWeight(), rows: b.up.weight.shape[0]),
                down: try matrix(b.down.mergedWeight(), rows: b.down.weight.shape[0]))
        }
        let weights = LlamaWeights(
            embedding: embed, blocks: blockWeights, outputNorm: finalNorm.weight.data,
            output: try outputHead.map { try matrix($0.data, rows: c.vocabularySize) } ?? embed,
            tiedOutput: outputHead == nil)
        let model = try LlamaModel(file: base.file, config: c, weights: weights)
        model.threads = base.threads
        return model
    }
}

/// Owns f32 values at a stable address for a `QuantizedMatrix` that borrows them.
private final class DenseBuffer {
    let pointer: UnsafeMutablePointer<Float>

    init(_ values: [Float]) {
        pointer = .allocate(capacity: values.count)
        values.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: values.count) }
    }

    deinit { pointer.deallocate() }
}

extension LlamaWeights {
    /// Weights assembled from parts (a student's, see `LlamaStudent.inferenceModel()`).
    init(embedding: QuantizedMatrix, blocks: [LlamaBlockWeights], outputNorm: [Float], output: QuantizedMatrix, tiedOutput: Bool)
    {
        self.embedding = embedding
        self.blocks = blocks
        self.outputNorm = outputNorm
        self.output = output
        self.tiedOutput = tiedOutput
    }
}
