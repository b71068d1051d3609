import Tensor

extension LlamaModel {
    /// An empty key/value cache sized for this model (for `logits(for:cache:allPositions:)`).
    public func makeCache() -> LlamaKVCache {
        LlamaKVCache(layers: config.layerCount, width: config.kvDimension)
    }

    /// Logits after running `tokens` at the positions following those already in `cache`
    /// (which grows by `tokens.count`): (V) for the last token, or (T, V) with `allPositions`.
    ///
    /// The low-level entry point for scoring and benchmarks; `generate` manages its own cache.
    public func logits(for tokens: [Int], cache: LlamaKVCache, allPositions: Bool = false) throws -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        return try forward(tokens, cache: cache, allLogits: allPositions)
    }

    /// Runs `tokens` through the model after the positions already in `cache`, appending their
    /// keys and values. Returns logits (V) for the last token, or (T, V) for all when `allLogits`.
    func forward(_ tokens: [Int], cache: LlamaKVCache, allLogits: Bool = false) throws -> [Float] {
        try forward([LlamaSegment(tokens: tokens, cache: cache, allLogits: allLogits)])[0]
    }

    /// Runs several sequences in one pass: each segment's tokens after the positions already in
    /// its own cache (which grows by them). Returns each segment's logits: (V) for its last
    /// token, or (T_i, V) with `allLogits`; [] for a segment without tokens.
    ///
    /// The matrix products see all segments' tokens as one batch (the weights are read once for
    /// all of them); RoPE, the caches and attention stay per segment. Every segment gets the
    /// same bits as when it runs alone (`linear`), so a sequence's answer does not depend on
    /// what it was batched with. Two segments must not share a cache. The pass runs on
    /// `threads` threads (default: the model's), and gives the same bits on any number.
    func forward(_ segments: [LlamaSegment], threads: Int? = nil) throws -> [[Float]] {
        let threads = max(1, threads ?? self.threads)
        let c = config
        let C = c.embeddingLength, F = c.feedForwardLength
        let hs = c.headDimension, qDim = c.headCount * hs, kvDim = c.kvDimension
        // Row i of the batch is token `rows[i].t` of segment `rows[i].segment`.
        var rows: [(segment: Int, t: Int)] = []
        var offsets: [Int] = []  // first batch row of each segment
        for (i, segment) in segments.enumerated() {
            let start = segment.cache.count, n = segment.tokens.count
            guard start + n <= c.contextLength else {
                throw LlamaError.promptTooLong(tokens: start + n, context: c.contextLength)
            }
            for t in segment.tokens where t < 0 || t >= c.vocabularySize { throw LlamaError.invalidToken(t) }
            offsets.append(rows.count)
            rows += (0..<n).map { (i, $0) }
        }
        precondition(
            Set(segments.filter { !$0.tokens.isEmpty }.map { ObjectIdentifier($0.cache) }).count
                == segments.filter { !$0.tokens.isEmpty }.count, "two segments share a cache")
        var T = rows.count
        guard T > 0 else { return segments.map { _ in [] } }
        let positions = rows.map { segments[$0.segment].cache.count + $0.t }
        // Logits of every position of a segment that asks for them, else of its last only.
        var outputRows = segments.enumerated().flatMap { i, segment -> Range<Int> in
            let n = segment.tokens.count
            return n == 0 ? 0..<0 : segment.allLogits ? offsets[i]..<(offsets[i] + n) : (offsets[i] + n - 1)..<(offsets[i] + n)
        }

        var x = [Float](repeating: 0, count: T * C)  // (T, C) residual stream
        var h = [Float](repeating: 0, count: T * C)  // (T, C) normalised input of a sublayer
        var q = [Float](repeating: 0, count: T * qDim)  // (T, nh*hs)
        var k = [Float](repeating: 0, count: T * kvDim)  // (T, nkv*hs)
        var v = [Float](repeating: 0, count: T * kvDim)  // (T, nkv*hs)
        var att = [Float](repeating: 0, count: T * qDim)  // (T, nh*hs)
        var gate = [Float](repeating: 0, count: T * F)  // (T, F)
        var up = [Float](repeating: 0, count: T * F)  // (T, F)
        var delta = [Float](repeating: 0, count: T * C)  // (T, C) sublayer output

        x.withUnsafeMutableBufferPointer { xb in
            for (i, row) in rows.enumerated() {
                weights.embedding.dequantizeRow(segments[row.segment].tokens[row.t], into: xb.baseAddress! + i * C)
            }
        }
        // Each row's RoPE cosines and sines, the same in every layer.
        let rotations = positions.flatMap { LlamaKernels.rotations(position: $0, inverseFrequencies: inverseFrequencies) }
        for (l, block) in weights.blocks.enumerated() {
            normalize(x, block.attentionNorm, into: &h, tokens: T, threads: threads)
            q.withUnsafeMutableBufferPointer { qb in
                k.withUnsafeMutableBufferPointer { kb in
                    v.withUnsafeMutableBufferPointer { vb in
                        linear(
                            [block.query, block.key, block.value], h,
                            into: [qb.baseAddress!, kb.baseAddress!, vb.baseAddress!], tokens: T, threads: threads)
                    }
                }
            }
            q.withUnsafeMutableBufferPointer { qb in
                k.withUnsafeMutableBufferPointer { kb in
                    rotations.withUnsafeBufferPointer { rb in
                        tokensInParallel(T, threads: threads) { range in
                            for t in range {
                                let rotation = rb.baseAddress! + t * inverseFrequencies.count * 2
                                LlamaKernels.rope(
                                    qb.baseAddress! + t * qDim, heads: c.headCount, headDim: hs, dims: c.ropeDimensions,
                                    rotation: rotation)
                                LlamaKernels.rope(
                                    kb.baseAddress! + t * kvDim, heads: c.kvHeadCount, headDim: hs,
                                    dims: c.ropeDimensions, rotation: rotation)
                            }
                        }
                    }
                }
            }
            k.withUnsafeBufferPointer { kb in
                v.withUnsafeBufferPointer { vb in
                    for (i, segment) in segments.enumerated() where !segment.tokens.isEmpty {
                        let lo = offsets[i] * kvDim, hi = (offsets[i] + segment.tokens.count) * kvDim
                        segment.cache.append(
                            layer: l, keys: UnsafeBufferPointer(rebasing: kb[lo..<hi]),
                            values: UnsafeBufferPointer(rebasing: vb[lo..<hi]))
                    }
                }
            }
            if l == weights.blocks.count - 1 && outputRows.count < T {
                // Past the last layer's keys and values only the rows whose logits are wanted
                // matter (each row's result is its own, so theirs are the same bits).
                x = outputRows.flatMap { x[($0 * C)..<(($0 + 1) * C)] }
                q = outputRows.flatMap { q[($0 * qDim)..<(($0 + 1) * qDim)] }
                rows = outputRows.map { rows[$0] }
                T = outputRows.count
                outputRows = Array(0..<T)
            }
            attention(layer: l, q, &att, segments: segments, rows: rows, threads: threads)
            linear(block.output, att, &delta, tokens: T, threads: threads)
            for i in 0..<(T * C) { x[i] += delta[i] }

            normalize(x, block.mlpNorm, into: &h, tokens: T, threads: threads)
            gate.withUnsafeMutableBufferPointer { g in
                up.withUnsafeMutableBufferPointer { u in
                    linear([block.gate, block.up], h, into: [g.baseAddress!, u.baseAddress!], tokens: T, threads: threads)
                }
            }
            gate.withUnsafeMutableBufferPointer { g in
                up.withUnsafeBufferPointer { u in
                    SwiGLU.apply(gate: g.baseAddress!, up: u.baseAddress!, count: T * F, threads: threads)
                }
            }
            linear(block.down, gate, &delta, tokens: T, threads: threads)
            for i in 0..<(T * C) { x[i] += delta[i] }
        }
        for segment in segments { segment.cache.advance(by: segment.tokens.count) }

        var normed = [Float](repeating: 0, count: outputRows.count * C)  // (rows, C)
        x.withUnsafeBufferPointer { xb in
            weights.outputNorm.withUnsafeBufferPointer { w in
                normed.withUnsafeMutableBufferPointer { o in
                    for (r, row) in outputRows.enumerated() {
                        LlamaKernels.rmsNorm(
                            xb.baseAddress! + row * C, w.baseAddress!, o.baseAddress! + r * C, n: C, eps: c.rmsEpsilon)
                    }
                }
            }
        }
        let V = c.vocabularySize
        // (rows, V), every value written by the product (a batch's logits are megabytes).
        let logits = [Float](unsafeUninitializedCapacity: outputRows.count * V) { buffer, count in
            linear([weights.output], normed, into: [buffer.baseAddress!], tokens: outputRows.count, threads: threads)
            count = outputRows.count * V
        }
        var result: [[Float]] = []
        var first = 0
        for segment in segments {
            let n = segment.tokens.isEmpty ? 0 : segment.allLogits ? segment.tokens.count : 1
            result.append(Array(logits[(first * V)..<((first + n) * V)]))
            first += n
        }
        return result
    }

    /// RMSNorm of each of `tokens` rows of `x` into `out`.
    private func normalize(_ x: [Float], _ weight: [Float], into out: inout [Float], tokens: Int, threads: Int) {
        let C = config.embeddingLength
        x.withUnsafeBufferPointer { xb in
            weight.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { o in
                    tokensInParallel(tokens, threads: threads) { range in
                        LlamaKernels.rmsNorm(
                            rows: range.count, xb.baseAddress! + range.lowerBound * C, w.baseAddress!,
                            o.baseAddress! + range.lowerBound * C, n: C, eps: config.rmsEpsilon)
                    }
                }
            }
        }
    }

    /// Runs `body` over `0..<tokens`: whole when the batch is small (or the model runs on one
    /// thread), else split among the threads from 16 tokens each (`Parallel.forRange`). For
    /// per-token work between the products (norms, RoPE), which a prompt of hundreds of tokens
    /// would otherwise leave to one thread.
    private func tokensInParallel(_ tokens: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        Parallel.forRange(tokens, grain: 16, threads: threads) { body($0..<$1) }
    }

    /// `y (T, rows) = x (T, columns) W^T`, straight from the quantised rows.
    func linear(_ w: QuantizedMatrix, _ x: [Float], _ y: inout [Float], tokens T: Int, threads: Int) {
        y.withUnsafeMutableBufferPointer { yb in linear([w], x, into: [yb.baseAddress!], tokens: T, threads: threads) }
    }

    /// `ys[i] (T, rows_i) = x (T, columns) W_i^T` for matrices that read the same input, in one
    /// parallel pass.
    ///
    /// Batch invariance by construction: whatever T, every product runs on the same kernels of
    /// `QuantizedMatrix.multiply` (those of `activations`), which compute each token's row on
    /// its own, in an order that depends on neither T nor the thread count; nothing switches to
    /// a GEMM for long batches. So a token's logits are the same bits whether it ran alone,
    /// in a prompt, beside other sequences, or after a prefix taken from a cache.
    func linear(
        _ ws: [QuantizedMatrix], _ x: [Float], into ys: [UnsafeMutablePointer<Float>], tokens T: Int, threads: Int
    ) {
        x.withUnsafeBufferPointer { xb in
            QuantizedMatrix.multiply(ws, xb.baseAddress!, tokens: T, into: ys, threads: threads, activations: activations)
        }
    }

    /// Causal grouped-query attention of the batch's queries (q, (T, nh*hs)), each over its own
    /// segment's cache up to its position.
    private func attention(
        layer: Int, _ q: [Float], _ out: inout [Float], segments: [LlamaSegment], rows: [(segment: Int, t: Int)],
        threads: Int
    ) {
        let c = config
        let hs = c.headDimension, qDim = c.headCount * hs, kvDim = c.kvDimension
        let group = c.headCount / c.kvHeadCount
        // A job is a row's kv head with every query head that shares it (one read of the cache
        // for all), unless that leaves too few jobs to share among the threads; then one head.
        let perJob = rows.count * c.kvHeadCount >= 4 * threads ? group : 1
        let jobs = rows.count * c.headCount / perJob
        // Where each row's keys end: its segment's positions before the pass (`count` advances
        // after the last layer), plus t + 1.
        let lengths = rows.map { segments[$0.segment].cache.count + $0.t + 1 }
        let work = lengths.reduce(0, +) * c.headCount
        // About six parts per thread, claimed one at a time, so that a slower thread takes fewer.
        let parts = work > 4096 && threads > 1 ? max(1, min(6 * threads, jobs)) : 1
        let longest = lengths.max() ?? 1
        let jobsPerRow = c.headCount / perJob
        // Each segment's runs of cached positions per kv head (a shared prompt prefix, then its
        // own), up to its last row's position.
        let runs = segments.map { segment in
            segment.tokens.isEmpty
                ? []
                : (0..<c.kvHeadCount).map {
                    segment.cache.runs(
                        layer: layer, offset: $0 * hs, length: segment.cache.count + segment.tokens.count)
                }
        }
        q.withUnsafeBufferPointer { qb in
            out.withUnsafeMutableBufferPointer { ob in
                let qp = qb.baseAddress!, op = ob.baseAddress!
                Parallel.perform(parts) { part in
                    let scores = UnsafeMutablePointer<Float>.allocate(capacity: longest * perJob)
                    defer { scores.deallocate() }
                    var job = part
                    while job < jobs {
                        let t = job / jobsPerRow, head = (job % jobsPerRow) * perJob
                        CachedAttention.attend(
                            query: qp + t * qDim + head * hs, heads: perJob, runs: runs[rows[t].segment][head / group],
                            stride: kvDim, length: lengths[t], headDim: hs, scores: scores,
                            out: op + t * qDim + head * hs)
                        job += parts
                    }
                }
            }
        }
    }
}

/// One sequence's part of a batched forward pass (`LlamaModel.forward(_:)`): tokens that run
/// after the positions already in `cache`.
struct LlamaSegment {
    /// The new tokens.
    let tokens: [Int]
    /// The sequence's own keys and values (grows by `tokens.count`).
    let cache: LlamaKVCache
    /// Whether logits are wanted for every new token, or only for the last.
    var allLogits = false
}
