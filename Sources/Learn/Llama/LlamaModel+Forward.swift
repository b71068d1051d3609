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

    /// Batches below this size multiply quantised rows directly; larger ones dequantise for GEMM.
    static let gemmThreshold = 4
    /// With 8-bit activations, batches below this size multiply quantised rows directly too
    /// (each weight block decoded once per four tokens), which beats dequantising for a GEMM.
    static let int8BatchLimit = 32

    /// Runs `tokens` through the model after the positions already in `cache`, appending their
    /// keys and values. Returns logits (V) for the last token, or (T, V) for all when `allLogits`.
    func forward(_ tokens: [Int], cache: LlamaKVCache, allLogits: Bool = false) throws -> [Float] {
        let c = config
        let T = tokens.count, C = c.embeddingLength, F = c.feedForwardLength
        let hs = c.headDimension, qDim = c.headCount * hs, kvDim = c.kvDimension
        let start = cache.count
        guard T > 0 else { return [] }
        guard start + T <= c.contextLength else { throw LlamaError.promptTooLong(tokens: start + T, context: c.contextLength) }
        for t in tokens where t < 0 || t >= c.vocabularySize { throw LlamaError.invalidToken(t) }

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
            for (t, token) in tokens.enumerated() { weights.embedding.dequantizeRow(token, into: xb.baseAddress! + t * C) }
        }
        for (l, block) in weights.blocks.enumerated() {
            normalize(x, block.attentionNorm, into: &h, tokens: T)
            q.withUnsafeMutableBufferPointer { qb in
                k.withUnsafeMutableBufferPointer { kb in
                    v.withUnsafeMutableBufferPointer { vb in
                        linear(
                            [block.query, block.key, block.value], h,
                            into: [qb.baseAddress!, kb.baseAddress!, vb.baseAddress!], tokens: T)
                    }
                }
            }
            q.withUnsafeMutableBufferPointer { qb in
                k.withUnsafeMutableBufferPointer { kb in
                    for t in 0..<T {
                        LlamaKernels.rope(
                            qb.baseAddress! + t * qDim, heads: c.headCount, headDim: hs,
                            dims: c.ropeDimensions, position: start + t, inverseFrequencies: inverseFrequencies)
                        LlamaKernels.rope(
                            kb.baseAddress! + t * kvDim, heads: c.kvHeadCount, headDim: hs,
                            dims: c.ropeDimensions, position: start + t, inverseFrequencies: inverseFrequencies)
                    }
                }
            }
            k.withUnsafeBufferPointer { kb in v.withUnsafeBufferPointer { vb in cache.append(layer: l, keys: kb, values: vb) } }
            attention(layer: l, q, &att, cache: cache, start: start, tokens: T)
            linear(block.output, att, &delta, tokens: T)
            for i in 0..<(T * C) { x[i] += delta[i] }

            normalize(x, block.mlpNorm, into: &h, tokens: T)
            gate.withUnsafeMutableBufferPointer { g in
                up.withUnsafeMutableBufferPointer { u in
                    linear([block.gate, block.up], h, into: [g.baseAddress!, u.baseAddress!], tokens: T)
                }
            }
            gate.withUnsafeMutableBufferPointer { g in
                up.withUnsafeBufferPointer { u in
                    LlamaKernels.swiglu(g.baseAddress!, u.baseAddress!, n: T * F)
                }
            }
            linear(block.down, gate, &delta, tokens: T)
            for i in 0..<(T * C) { x[i] += delta[i] }
        }
        cache.advance(by: T)

        // Logits of every position, or of the last only.
        let rows = allLogits ? T : 1
        let first = T - rows
        var normed = [Float](repeating: 0, count: rows * C)  // (rows, C)
        x.withUnsafeBufferPointer { xb in
            weights.outputNorm.withUnsafeBufferPointer { w in
                normed.withUnsafeMutableBufferPointer { o in
                    for r in 0..<rows {
                        LlamaKernels.rmsNorm(
                            xb.baseAddress! + (first + r) * C, w.baseAddress!, o.baseAddress! + r * C,
                            n: C, eps: c.rmsEpsilon)
                    }
                }
            }
        }
        var logits = [Float](repeating: 0, count: rows * c.vocabularySize)  // (rows, V)
        linear(weights.output, normed, &logits, tokens: rows)
        return logits
    }

    /// RMSNorm of each of `tokens` rows of `x` into `out`.
    private func normalize(_ x: [Float], _ weight: [Float], into out: inout [Float], tokens: Int) {
        let C = config.embeddingLength
        x.withUnsafeBufferPointer { xb in
            weight.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { o in
                    for t in 0..<tokens {
                        LlamaKernels.rmsNorm(
                            xb.baseAddress! + t * C, w.baseAddress!, o.baseAddress! + t * C,
                            n: C, eps: config.rmsEpsilon)
                    }
                }
            }
        }
    }

    /// `y (T, rows) = x (T, columns) W^T`: quantised products for small batches, else dequantise
    /// row panels of W and GEMM with BLAS.
    func linear(_ w: QuantizedMatrix, _ x: [Float], _ y: inout [Float], tokens T: Int) {
        y.withUnsafeMutableBufferPointer { yb in linear([w], x, into: [yb.baseAddress!], tokens: T) }
    }

    /// `ys[i] (T, rows_i) = x (T, columns) W_i^T` for matrices that read the same input; small
    /// batches multiply them all in one parallel pass.
    func linear(_ ws: [QuantizedMatrix], _ x: [Float], into ys: [UnsafeMutablePointer<Float>], tokens T: Int) {
        let threads = self.threads, activations = self.activations
        let direct =
            T < Self.gemmThreshold
            || (T < Self.int8BatchLimit && activations == .int8 && ws.allSatisfy(\.hasInt8Kernel))
        x.withUnsafeBufferPointer { xb in
            let xp = xb.baseAddress!
            if direct {
                QuantizedMatrix.multiply(ws, xp, tokens: T, into: ys, threads: threads, activations: activations)
                return
            }
            for (w, yp) in zip(ws, ys) {
                // Panels of at most 4M weights keep the scratch small even for the (V, C) output matrix.
                let panelRows = max(1, min(w.rows, (1 << 22) / w.columns))
                let panel = UnsafeMutablePointer<Float>.allocate(capacity: panelRows * w.columns)
                defer { panel.deallocate() }
                var r0 = 0
                while r0 < w.rows {
                    let n = min(panelRows, w.rows - r0)
                    Self.dequantize(w, rows: r0..<(r0 + n), into: panel, threads: threads)
                    BLAS.sgemm(
                        transposeA: false, transposeB: true, m: T, n: n, k: w.columns,
                        a: xp, lda: w.columns, b: panel, ldb: w.columns, c: yp + r0, ldc: w.rows)
                    r0 += n
                }
            }
        }
    }

    /// Dequantises `rows` of `w` into `out`, split across threads.
    private static func dequantize(_ w: QuantizedMatrix, rows: Range<Int>, into out: UnsafeMutablePointer<Float>, threads: Int) {
        let parts = max(1, min(threads, rows.count / 64))
        let chunk = (rows.count + parts - 1) / parts
        Parallel.perform(parts) { p in
            let lo = rows.lowerBound + p * chunk, hi = min(rows.upperBound, lo + chunk)
            if lo < hi { w.dequantizeRows(lo..<hi, into: out + (lo - rows.lowerBound) * w.columns) }
        }
    }

    /// Causal grouped-query attention of `T` new tokens (queries q, (T, nh*hs)) over the cache.
    private func attention(layer: Int, _ q: [Float], _ out: inout [Float], cache: LlamaKVCache, start: Int, tokens T: Int) {
        let c = config
        let hs = c.headDimension, qDim = c.headCount * hs, kvDim = c.kvDimension
        let group = c.headCount / c.kvHeadCount
        let jobs = T * c.headCount
        let parts = jobs * (start + T) > 4096 ? max(1, min(threads, jobs)) : 1
        q.withUnsafeBufferPointer { qb in
            out.withUnsafeMutableBufferPointer { ob in
                cache.keys[layer].withUnsafeBufferPointer { kb in
                    cache.values[layer].withUnsafeBufferPointer { vb in
                        let qp = qb.baseAddress!, op = ob.baseAddress!, kp = kb.baseAddress!, vp = vb.baseAddress!
                        Parallel.perform(parts) { part in
                            let scores = UnsafeMutablePointer<Float>.allocate(capacity: start + T)
                            defer { scores.deallocate() }
                            var job = part
                            while job < jobs {
                                let t = job / c.headCount, head = job % c.headCount
                                let kvHead = head / group
                                LlamaKernels.attend(
                                    query: qp + t * qDim + head * hs, keys: kp + kvHead * hs, values: vp + kvHead * hs,
                                    stride: kvDim, length: start + t + 1, headDim: hs, scores: scores,
                                    out: op + t * qDim + head * hs)
                                job += parts
                            }
                        }
                    }
                }
            }
        }
    }
}
