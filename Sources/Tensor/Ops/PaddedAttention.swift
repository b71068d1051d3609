import CKernels

/// Bidirectional multi-head self-attention over right-padded sequences (BERT's), fused.
///
/// Glossary: B batch, T time (padded), L a sequence's own length, C channels, nh heads,
/// hs = C / nh head size.
extension Tensor {
    /// `softmax(Q K^T / sqrt(hs)) V` per head over each sequence's first `lengths[b]`
    /// positions, heads concatenated; positions at or past a sequence's length are padding:
    /// no query attends to them and their own output is zero.
    ///
    /// self is `[B, T, 3C]` holding Q, K, V side by side; result `[B, T, C]`.
    ///
    /// Padding never enters a sum: a sequence's values are computed from its own `L`
    /// positions only, by the same products and row softmaxes as when it is alone in a batch
    /// of length `L`, so its outputs have the same bits whatever else is in the batch. The
    /// products are `BLAS` GEMMs (their fixed FMA chains; on the AVX2 path, for head sizes
    /// that are multiples of 8, `CKernels/bidirectional_attention.c` computes the same chains
    /// in one fused kernel), the softmax is `SoftmaxKernel`'s 16-lane tree, and each
    /// (b, head) pair runs whole on one thread.
    ///
    /// ```swift
    /// let y = try qkv.selfAttention(heads: 12, lengths: [7, 3])  // [2, 7, 1152] -> [2, 7, 384]
    /// ```
    public func selfAttention(heads nh: Int, lengths: [Int]) throws -> Tensor {
        guard rank == 3, shape[2] % 3 == 0, nh > 0, (shape[2] / 3) % nh == 0 else {
            throw TensorError(
                "selfAttention", "input \(shapeText(shape)) must be [B, T, 3C] with C divisible by \(nh) heads")
        }
        let b = shape[0], t = shape[1]
        guard lengths.count == b, lengths.allSatisfy({ $0 >= 0 && $0 <= t }) else {
            throw TensorError("selfAttention", "lengths \(lengths) must be \(b) values in 0...\(t)")
        }
        return sequenceAttention(heads: nh, lengths: lengths, starts: (0..<b).map { $0 * t }, shape: [b, t, shape[2] / 3])
    }

    /// The same attention over sequences packed one after another with no padding: self is
    /// `[N, 3C]`, its first `lengths[0]` rows the first sequence, the next `lengths[1]` the
    /// second, and so on (N the sum of the lengths); result `[N, C]`.
    ///
    /// Each sequence's rows have the same bits as in `selfAttention(heads:lengths:)` (its
    /// values never depend on where its rows are stored). Row-wise layers around it (linear,
    /// LayerNorm, GELU) then never compute on padding.
    ///
    /// ```swift
    /// let y = try qkv.packedSelfAttention(heads: 12, lengths: [7, 3])  // [10, 1152] -> [10, 384]
    /// ```
    public func packedSelfAttention(heads nh: Int, lengths: [Int]) throws -> Tensor {
        guard rank == 2, shape[1] % 3 == 0, nh > 0, (shape[1] / 3) % nh == 0 else {
            throw TensorError(
                "packedSelfAttention", "input \(shapeText(shape)) must be [N, 3C] with C divisible by \(nh) heads")
        }
        guard lengths.allSatisfy({ $0 >= 0 }), lengths.reduce(0, +) == shape[0] else {
            throw TensorError("packedSelfAttention", "lengths \(lengths) must be non-negative and add up to \(shape[0]) rows")
        }
        var starts = [Int](repeating: 0, count: lengths.count)
        for i in lengths.indices.dropFirst() { starts[i] = starts[i - 1] + lengths[i - 1] }
        return sequenceAttention(heads: nh, lengths: lengths, starts: starts, shape: [shape[0], shape[1] / 3])
    }

    /// Attention of each sequence over its own rows: sequence `bi` is the `lengths[bi]` rows
    /// of self (`[..., 3C]`) from row `starts[bi]`; the result, of `shape` (`[..., C]`), has its
    /// outputs in the same rows and zeros in every other row.
    private func sequenceAttention(heads nh: Int, lengths: [Int], starts: [Int], shape outShape: [Int]) -> Tensor {
        let b = lengths.count, c = outShape.last!, hs = c / nh
        let rows = outShape.dropLast().reduce(1, *)
        let scale = 1 / Float(hs).squareRoot()
        let qkv = data
        let pairs = b * nh
        let path = KernelPath.best
        // Each pair's (L, L) attention weights, packed one after another (a sequence's heads
        // together), kept for backward: short sequences in a long batch cost only their own L^2.
        var offsets = [Int](repeating: 0, count: b + 1)
        for (i, l) in lengths.enumerated() { offsets[i + 1] = offsets[i] + nh * l * l }
        guard offsets[b] > 0 else {
            // No sequence has a token: every output is padding, and no gradient flows back.
            return Tensor.record([Float](repeating: 0, count: rows * c), outShape, [self]) { _ in
                self.withGrad { _ in }
            }
        }
        var att = [Float](unsafeUninitializedCapacity: offsets[b]) { _, len in len = offsets[b] }
        // (..., C): rows outside every sequence (padding) stay zero; without any, none is cleared.
        let covered = lengths.reduce(0, +) == rows
        var y = [Float](unsafeUninitializedCapacity: rows * c) { buffer, len in
            if !covered { buffer.initialize(repeating: 0) }
            len = rows * c
        }
        qkv.withUnsafeBufferPointer { pq in
            att.withUnsafeMutableBufferPointer { pa in
                y.withUnsafeMutableBufferPointer { py in
                    let q0 = pq.baseAddress!, a0 = pa.baseAddress!, y0 = py.baseAddress!
                    Parallel.forPairs(pairs) { pair in
                        let bi = pair / nh, h = pair % nh, l = lengths[bi]
                        guard l > 0 else { return }
                        let q = q0 + starts[bi] * 3 * c + h * hs, k = q + c, v = q + 2 * c
                        let p = a0 + offsets[bi] + h * l * l, out = y0 + starts[bi] * c + h * hs
                        if path == .avx2 && hs % 8 == 0 {
                            // The same bits in one fused kernel (no packing, no edge copies).
                            let scratch = UnsafeMutablePointer<Float>.allocate(
                                capacity: fewshot_bidirectional_attention_scratch(l, hs))
                            defer { scratch.deallocate() }
                            fewshot_bidirectional_attention_forward(q, k, v, 3 * c, l, hs, scale, p, out, c, scratch)
                            return
                        }
                        // S = scale Q K^T  (L, L)
                        BLAS.Product(
                            transposeA: false, transposeB: true, m: l, n: l, k: hs, alpha: scale, a: q, lda: 3 * c,
                            b: k, ldb: 3 * c, c: p, ldc: l, path: path
                        ).run()
                        for r in 0..<l { SoftmaxKernel.row(p + r * l, p + r * l, l, path: path) }
                        // Y = P V  (L, hs)
                        BLAS.Product(
                            transposeA: false, transposeB: false, m: l, n: hs, k: l, a: p, lda: l, b: v, ldb: 3 * c,
                            c: out, ldc: c, path: path
                        ).run()
                    }
                }
            }
        }
        let weights = att
        return Tensor.record(y, outShape, [self]) { res in
            let g = res.grad!
            self.withGrad { gq in
                g.withUnsafeBufferPointer { pg in
                    qkv.withUnsafeBufferPointer { pq in
                        weights.withUnsafeBufferPointer { pa in
                            let g0 = pg.baseAddress!, q0 = pq.baseAddress!, a0 = pa.baseAddress!
                            Parallel.forPairs(pairs) { pair in
                                let bi = pair / nh, h = pair % nh, l = lengths[bi]
                                guard l > 0 else { return }
                                let off = starts[bi] * 3 * c + h * hs
                                Tensor.paddedAttentionBackward(
                                    q: q0 + off, dq: gq + off, ld: 3 * c, c: c, p: a0 + offsets[bi] + h * l * l,
                                    dy: g0 + starts[bi] * c + h * hs, l: l, hs: hs, scale: scale, path: path)
                            }
                        }
                    }
                }
            }
        }
    }

    /// One (b, head) pair's backward, added into dQ, dK, dV (`dq`, `dq + c`, `dq + 2c`):
    /// `dV = P^T dY`, `dP = dY V^T`, `dS = P * (dP - rowsum(dP * P))` (each row's sum in
    /// index order), `dQ = scale dS K`, `dK = scale dS^T Q`.
    private static func paddedAttentionBackward(
        q: UnsafePointer<Float>, dq: UnsafeMutablePointer<Float>, ld: Int, c: Int, p: UnsafePointer<Float>,
        dy: UnsafePointer<Float>, l: Int, hs: Int, scale: Float, path: KernelPath
    ) {
        let k = q + c, v = q + 2 * c, dk = dq + c, dv = dq + 2 * c
        let ds = UnsafeMutablePointer<Float>.allocate(capacity: l * l)
        defer { ds.deallocate() }
        BLAS.Product(
            transposeA: true, transposeB: false, m: l, n: hs, k: l, a: p, lda: l, b: dy, ldb: c, beta: 1, c: dv,
            ldc: ld, path: path
        ).run()
        BLAS.Product(
            transposeA: false, transposeB: true, m: l, n: l, k: hs, a: dy, lda: c, b: v, ldb: ld, c: ds, ldc: l,
            path: path
        ).run()
        for r in 0..<l {
            let pr = p + r * l, dr = ds + r * l
            var dot: Float = 0
            for j in 0..<l { dot += pr[j] * dr[j] }
            for j in 0..<l { dr[j] = pr[j] * (dr[j] - dot) }
        }
        BLAS.Product(
            transposeA: false, transposeB: false, m: l, n: hs, k: l, alpha: scale, a: ds, lda: l, b: k, ldb: ld,
            beta: 1, c: dq, ldc: ld, path: path
        ).run()
        BLAS.Product(
            transposeA: true, transposeB: false, m: l, n: hs, k: l, alpha: scale, a: ds, lda: l, b: q, ldb: ld,
            beta: 1, c: dk, ldc: ld, path: path
        ).run()
    }
}
