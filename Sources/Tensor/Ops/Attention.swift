import CKernels
import Dispatch

/// Fused causal self-attention over packed query/key/value projections.
///
/// Glossary: B batch, T time, C channels, nh heads, hs = C / nh head size.
extension Tensor {
    /// Multi-head causal attention: `softmax(Q K^T / sqrt(hs) + causal mask) V`, heads concatenated.
    ///
    /// self is `[B, T, 3C]` holding Q, K, V side by side (GPT-2's `c_attn` output); result
    /// `[B, T, C]`. Heads are read in place through BLAS strides (nothing is transposed);
    /// the (b, head) pairs run in parallel. Forward saves the attention weights for backward.
    public func causalSelfAttention(heads nh: Int) throws -> Tensor {
        try causalSelfAttention(heads: nh, path: .best)
    }

    /// `causalSelfAttention(heads:)` on the given path: `.avx2` runs each head through
    /// CKernels' causal kernels (head sizes that are multiples of 8), `.portable` through
    /// BLAS products over the whole square.
    func causalSelfAttention(heads nh: Int, path: KernelPath) throws -> Tensor {
        guard rank == 3, shape[2] % 3 == 0, nh > 0, (shape[2] / 3) % nh == 0 else {
            throw TensorError(
                "causalSelfAttention", "input \(shapeText(shape)) must be [B, T, 3C] with C divisible by \(nh) heads")
        }
        let b = shape[0], t = shape[1], c = shape[2] / 3, hs = c / nh
        let scale = 1 / Float(hs).squareRoot()
        let qkv = data
        let pairs = b * nh
        let fused = path == .avx2 && hs % 8 == 0
        let scratchCount = fused ? fewshot_attention_scratch(t, hs) : 0
        // (B, nh, T, T) attention weights, kept for backward. Both buffers are written in full
        // below (beta-0 products, the softmax and the causal zeros), so neither is cleared first.
        var att = [Float](unsafeUninitializedCapacity: pairs * t * t) { _, len in len = pairs * t * t }
        var y = [Float](unsafeUninitializedCapacity: b * t * c) { _, len in len = b * t * c }  // (B, T, C)
        _ = Parallel.threadCount
        qkv.withUnsafeBufferPointer { pq in
            att.withUnsafeMutableBufferPointer { pa in
                y.withUnsafeMutableBufferPointer { py in
                    let q0 = pq.baseAddress!, a0 = pa.baseAddress!, y0 = py.baseAddress!
                    Parallel.forPairs(pairs) { pair in
                        let bi = pair / nh, h = pair % nh
                        let q = q0 + bi * t * 3 * c + h * hs, k = q + c, v = q + 2 * c
                        let p = a0 + pair * t * t, yh = y0 + bi * t * c + h * hs
                        if fused {
                            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
                            defer { scratch.deallocate() }
                            fewshot_attention_forward(q, k, v, 3 * c, t, hs, scale, p, yh, c, scratch)
                            return
                        }
                        // (T, T) = (T, hs) x (T, hs)^T, scaled
                        BLAS.sgemm(
                            transposeA: false, transposeB: true, m: t, n: t, k: hs, alpha: scale,
                            a: q, lda: 3 * c, b: k, ldb: 3 * c, c: p, ldc: t)
                        for i in 0..<t {
                            let row = p + i * t
                            SoftmaxKernel.row(row, row, i + 1, path: path)
                            for j in (i + 1)..<t { row[j] = 0 }
                        }
                        // (T, hs) = (T, T) x (T, hs), written into this head's columns of y
                        BLAS.sgemm(
                            transposeA: false, transposeB: false, m: t, n: hs, k: t,
                            a: p, lda: t, b: v, ldb: 3 * c, c: yh, ldc: c)
                    }
                }
            }
        }
        let weights = att
        return Tensor.record(y, [b, t, c], [self]) { res in
            let g = res.grad!
            // A fresh gradient is written by beta-0 products, each clearing only its own block, not
            // zero-filled whole first: every value of [B, T, 3C] is one head's Q, K or V.
            self.updateGrad { gq, accumulate in
                let beta: Float = accumulate ? 1 : 0
                g.withUnsafeBufferPointer { pg in
                    qkv.withUnsafeBufferPointer { pq in
                        weights.withUnsafeBufferPointer { pa in
                            let g0 = pg.baseAddress!, q0 = pq.baseAddress!, a0 = pa.baseAddress!
                            Parallel.forPairs(pairs) { pair in
                                let bi = pair / nh, h = pair % nh
                                let off = bi * t * 3 * c + h * hs
                                let q = q0 + off, k = q + c, v = q + 2 * c
                                let dq = gq + off, dk = dq + c, dv = dq + 2 * c
                                let p = a0 + pair * t * t
                                let dy = g0 + bi * t * c + h * hs
                                if fused {
                                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
                                    defer { scratch.deallocate() }
                                    fewshot_attention_backward(
                                        q, k, v, 3 * c, p, dy, c, t, hs, scale, dq, dk, dv, accumulate ? 1 : 0, scratch)
                                    return
                                }
                                let dp = UnsafeMutablePointer<Float>.allocate(capacity: t * t)
                                defer { dp.deallocate() }
                                // dP (T, T) = dY (T, hs) x V^T
                                BLAS.sgemm(
                                    transposeA: false, transposeB: true, m: t, n: t, k: hs,
                                    a: dy, lda: c, b: v, ldb: 3 * c, c: dp, ldc: t)
                                // dV (T, hs) += P^T x dY
                                BLAS.sgemm(
                                    transposeA: true, transposeB: false, m: t, n: hs, k: t,
                                    a: p, lda: t, b: dy, ldb: c, beta: beta, c: dv, ldc: 3 * c)
                                // dS = P * (dP - rowsum(dP * P)), causal entries only
                                for i in 0..<t {
                                    let pr = p + i * t, dr = dp + i * t
                                    var dot: Float = 0
                                    for j in 0...i { dot += pr[j] * dr[j] }
                                    for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) }
                                    for j in (i + 1)..<t { dr[j] = 0 }
                                }
                                // dQ (T, hs) += scale * dS x K ; dK (T, hs) += scale * dS^T x Q
                                BLAS.sgemm(
                                    transposeA: false, transposeB: false, m: t, n: hs, k: t, alpha: scale,
                                    a: dp, lda: t, b: k, ldb: 3 * c, beta: beta, c: dq, ldc: 3 * c)
                                BLAS.sgemm(
                                    transposeA: true, transposeB: false, m: t, n: hs, k: t, alpha: scale,
                                    a: dp, lda: t, b: q, ldb: 3 * c, beta: beta, c: dk, ldc: 3 * c)
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Parallel {
    /// Runs `body(i)` for `i` in `0..<count`, spread over the worker threads.
    static func forPairs(_ count: Int, _ body: (Int) -> Void) {
        let workers = min(threadCount, count)
        if workers <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        // Each worker calls BLAS on small per-head matrices: keep OpenBLAS on the calling
        // thread, or every call would try to fan out to the same cores (or queue on its lock).
        let blasThreads = BLAS.threadCount
        BLAS.threadCount = 1
        defer { BLAS.threadCount = blasThreads }
        perform(workers) { w in
            var i = w
            while i < count {
                body(i)
                i += workers
            }
        }
    }
}
